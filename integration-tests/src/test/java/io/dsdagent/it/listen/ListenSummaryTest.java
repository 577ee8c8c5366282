package io.dsdagent.it.listen;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar dsd-agent.jar listen --summary} as a user runs it, receiving from an application with the agent
 * over each transport: the tables (plain, as its output is a pipe) count exactly what the application recorded,
 * the timer's values weighted by the sample rates the agent wrote (1,000 values over a cap of 100: each weighs 10),
 * and no line is wider than {@code COLUMNS}. The transport code is the same on every JDK, so the build JDK runs it.
 */
class ListenSummaryTest {
    private static final int WIDTH = 100;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"udp", "unix", "unixstream"})
    void tablesCountExactlyWhatTheApplicationRecorded(String transport) throws Exception {
        String jdk = Jdks.homes().get(0);
        Path sock = dir.resolve("dsd.sock");
        String where = transport.equals("udp") ? "0" : sock.toString();
        try (ForkedJvm listener = new ForkedJvm(jdk).withoutAgent().classpath(ForkedJvm.agentJar())
                .jvmArg("--enable-native-access=ALL-UNNAMED").env("COLUMNS", String.valueOf(WIDTH))
                .main("io.dsdagent.agent.Main", "listen", "--" + transport, where, "--summary", "--interval", "1s",
                        "--seconds", "60")) {
            listener.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> listener.stdout().contains("listening on ")
                    || !listener.process().isAlive());
            Matcher m = Pattern.compile("listening on (\\S+)").matcher(listener.stdout());
            assertTrue(m.find(), listener.stdout() + listener.stderr());
            String url = m.group(1).replace("unixgram://", "unix://");
            try (ForkedJvm app = new ForkedJvm(jdk)
                    .env("DD_DOGSTATSD_URL", url)
                    .env("DD_ENV", "it")
                    .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100")
                    .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                    .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                    .main("io.dsdagent.it.apps.CountingApp", "1000")) {
                app.start();
                assertEquals(0, app.waitFor(60), app.stderr());
            }
            // the flush on exit may straddle two of the listener's intervals: sum the rows of every table
            await().atMost(Duration.ofSeconds(20)).until(() -> sum(listener.stdout(), "count", "app.calls") == 1000
                    && sum(listener.stdout(), "timer", "app.latency") == 1000);
            String out = listener.stdout();
            assertEquals(1000, sum(out, "count", "app.calls"), out);
            assertEquals(1000, sum(out, "timer", "app.latency"), out);
            assertEquals(2000, sum(out, "count", "dsd_agent.samples.recorded"), out);
            assertFalse(out.contains("\033["), "not a terminal: plain tables, no cursor movement");
            assertTrue(out.contains("TYPE  ") && out.contains("; on every row: env:it\n"), out);
            for (String line : out.split("\n")) {
                assertTrue(line.length() <= WIDTH, line.length() + " columns: " + line);
            }
            Matcher row = Pattern.compile("(?m)^timer +app\\.latency +kind:test +1000 +\\S+ +1 +1 +1 +1$").matcher(out);
            assertTrue(row.find(), "the timer's row with count and p50/p95/p99/max (1.000-1.999 ms): " + out);
        }
    }

    /** Sum of the COUNT cells of the rows of {@code type} {@code metric} over every table printed so far. */
    private static long sum(String out, String type, String metric) {
        long sum = 0;
        for (String line : out.split("\n")) {
            String[] cells = line.trim().split(" {2,}");
            if (cells.length >= 4 && cells[0].equals(type) && cells[1].equals(metric)) {
                int count = cells[2].matches("-?[0-9.]+") ? 2 : 3; // tags may be empty
                sum += Long.parseLong(cells[count]);
            }
        }
        return sum;
    }
}
