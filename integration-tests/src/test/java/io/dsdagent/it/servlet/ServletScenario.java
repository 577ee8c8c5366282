package io.dsdagent.it.servlet;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.UdpReceiver;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One forked server with the agent, a mix of requests (200, 302, 404 unmapped, 500 thrown, async, a
 * POST), and the exact {@code http.server.requests} contexts and counts the agent must send for them.
 */
final class ServletScenario {
    static final String METRIC = "http.server.requests";

    /** One kind of request: how to send it, what status the client must see, the tags it must be counted with. */
    record Call(String method, String path, int status, String tags) {
    }

    static final String TAGS = "exception:%s,method:%s,outcome:%s,route:%s,status:%d";

    static String tags(String method, int status, String outcome, String route, String exception) {
        return String.format(TAGS, exception, method, outcome, route, status);
    }

    /** The class path of an app module under it-apps: its classes and its dependencies. */
    static String appClasspath(String module) throws Exception {
        File dir = new File(System.getProperty("it.apps.dir"), module);
        String deps = Files.readString(new File(dir, "target/app.classpath").toPath()).trim();
        return new File(dir, "target/classes").getAbsolutePath() + File.pathSeparator + deps;
    }

    /**
     * Forks {@code mainClass}, sends every call {@code rounds} times, and checks that the agent counted
     * each request exactly once with the expected tags, and nothing else.
     */
    static void run(String jdk, String classpath, String mainClass, List<Call> calls, int rounds) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = new ForkedJvm(jdk)
                     .classpath(classpath)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                     .main(mainClass)) {
            jvm.start();
            int port = awaitPort(jvm);
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Map<String, Long> expected = new TreeMap<>();
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                for (Call c : calls) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
                            .timeout(Duration.ofSeconds(20))
                            .method(c.method(), c.method().equals("POST") ? HttpRequest.BodyPublishers.ofString("x")
                                    : HttpRequest.BodyPublishers.noBody())
                            .build();
                    HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                    assertEquals(c.status(), resp.statusCode(), c.method() + " " + c.path() + ": " + resp.body());
                    expected.merge(c.tags(), 1L, Long::sum);
                    n++;
                }
            }
            final int total = n;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
                    count(rx).values().stream().mapToLong(Long::longValue).sum() >= total,
                    "expected " + expected + "\nreceived " + count(rx)));
            // one more flush or two: nothing else may arrive (each request counted once)
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertEquals(expected, count(rx), "contexts of " + METRIC + "; stderr:\n" + jvm.stderr());
            assertEquals(0, rx.countSum("dsd_agent.advice.errors"), jvm.stderr());
            assertFalse(jvm.stderr().contains("[dsd-agent] WARN"), jvm.stderr());
            assertFalse(jvm.stderr().contains("[dsd-agent] ERROR"), jvm.stderr());
            for (String l : rx.metric(METRIC)) {
                assertTrue(l.matches(METRIC + "(:\\d+(\\.\\d+)?)+\\|h\\|#[^|]+"), l);
            }
            jvm.process().getOutputStream().close();
        }
    }

    /** Values per tag set ({@code exception:..,method:..,...}) over every {@value #METRIC} line. */
    static Map<String, Long> count(UdpReceiver rx) {
        Map<String, Long> out = new TreeMap<>();
        for (String l : rx.metric(METRIC)) {
            String[] f = l.split("\\|");
            long values = f[0].substring(METRIC.length() + 1).split(":").length;
            String tags = "";
            for (String field : f) {
                if (field.startsWith("#")) {
                    tags = field.substring(1);
                }
                assertFalse(field.startsWith("@"), "sampled: " + l);
            }
            out.merge(tags, values, Long::sum);
        }
        return out;
    }

    private static int awaitPort(ForkedJvm jvm) {
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!jvm.process().isAlive()) {
                throw new AssertionError("app exited: " + jvm.stdout() + jvm.stderr());
            }
            for (String line : jvm.stdout().split("\n")) {
                if (line.startsWith("port=")) {
                    seen.add(line.substring(5).trim());
                    return true;
                }
            }
            return false;
        });
        return Integer.parseInt(seen.get(0));
    }

    private ServletScenario() {
    }

}
