package io.dsdagent.bench.wire;

import io.dsdagent.bench.Sink;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Wire cost ({@code ./bench.sh wire}): runs {@link WireApp} once per client in a forked JVM, each sending
 * to a fresh {@link Sink} in this process, and prints what arrived: values (weighed by sample rate),
 * lines, datagrams, bytes, and how full the datagrams were against the 1432-byte UDP payload.
 *
 * <p>dsd-agent runs twice: in its default configuration (at most {@code DSD_AGENT_MAX_SAMPLES_PER_CONTEXT}
 * = 1000 values per context per interval; above that an unbiased sample goes out with sample rates whose
 * weights add up to the true count) and with a cap high enough that every value is sent. Its own
 * telemetry, JVM runtime metrics and sockstat gauges are switched off so only the timings are counted.
 */
public final class WireCost {
    private WireCost() {
    }

    private record Subject(String label, String app, List<String> jvmArgs) {
    }

    public static void main(String[] args) throws Exception {
        File agent = new File("agent/target/dsd-agent.jar");
        if (!agent.isFile()) {
            System.err.println("agent/target/dsd-agent.jar not found: run from the repository root (./bench.sh wire)");
            System.exit(2);
        }
        List<String> agentArgs = List.of("-javaagent:" + agent.getPath(), "-Ddsd.agent.telemetry.enabled=false",
                "-Ddsd.agent.runtime.metrics.enabled=false", "-Ddsd.agent.sockstat.enabled=false");
        List<String> uncapped = new ArrayList<>(agentArgs);
        uncapped.add("-Ddsd.agent.max.samples.per.context=" + WireApp.TIMINGS);
        List<Subject> subjects = List.of(
                new Subject("dsd-agent (default: cap 1000/context/interval, sample rates)", "dsd-agent", agentArgs),
                new Subject("dsd-agent (cap " + WireApp.TIMINGS + ": every value sent)", "dsd-agent", uncapped),
                new Subject("java-dogstatsd-client 4.4.5 (default, blocking)", "java-dogstatsd-client", List.of()),
                new Subject("Micrometer 1.17.2 StatsD (datadog)", "micrometer", List.of()));

        List<String> rows = new ArrayList<>();
        for (Subject s : subjects) {
            try (Sink sink = new Sink(0, WireApp.METRIC)) {
                int port = sink.port();
                List<String> cmd = new ArrayList<>();
                cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
                cmd.addAll(s.jvmArgs());
                cmd.add("-Ddd.dogstatsd.url=udp://127.0.0.1:" + port);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(WireApp.class.getName());
                cmd.add(s.app());
                cmd.add(Integer.toString(port));
                System.out.println("== " + s.label());
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).inheritIO().start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(s.label() + " did not finish");
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                while (sink.quietNanos() < TimeUnit.SECONDS.toNanos(1)) { // let the last datagrams land
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                Sink.Stats st = sink.snapshot();
                rows.add(String.format(Locale.ROOT, "| %s | %,d | %,d%s | %,d | %,d | %,d | %,d | %.0f | %.1f%% | %.2f | exit %d, %,d ms |",
                        s.label(), WireApp.TIMINGS, st.metricWeighted(),
                        st.metricWeighted() == WireApp.TIMINGS ? "" : " (MISSING " + (WireApp.TIMINGS - st.metricWeighted()) + ")",
                        st.metricValues(), st.metricLines(), st.metricDatagrams(),
                        st.metricBytes(), st.metricDatagrams() == 0 ? 0.0 : (double) st.metricBytes() / st.metricDatagrams(),
                        100 * st.fill(), (double) st.metricBytes() / WireApp.TIMINGS, p.exitValue(), ms));
                if (st.datagrams() != st.metricDatagrams()) {
                    System.out.printf("   (%,d other datagrams, %,d bytes: the client's own telemetry, not counted)%n",
                            st.datagrams() - st.metricDatagrams(), st.bytes() - st.metricBytes());
                }
            }
        }
        System.out.println();
        System.out.println("| client | timings | timings received (values x weight) | values on the wire | lines | datagrams | bytes | bytes/datagram | fill (of 1432) | bytes/timing | run |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }
}
