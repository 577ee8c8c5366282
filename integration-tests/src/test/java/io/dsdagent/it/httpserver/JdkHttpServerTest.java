package io.dsdagent.it.httpserver;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's {@code com.sun.net.httpserver} server (named module {@code jdk.httpserver}, platform loader,
 * lambda handlers): each request that reached a context counted once in {@code http.server.requests},
 * route the context path, never the request path; the server's own 404 for a path with no context is
 * not counted (it never reaches a handler); {@code DSD_AGENT_INSTRUMENTATION_HTTPSERVER_ENABLED=false}
 * sends none. One fork per JDK with the instrumentation on, one (JDK 17) with it off.
 */
class JdkHttpServerTest {
    static final String METRIC = "http.server.requests";
    static final int ROUNDS = 3;

    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestThatReachedAContextOnceWithItsContextPathAsRoute(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver(); ForkedJvm jvm = fork(jdk, rx, "true")) {
            int port = awaitPort(jvm);
            Map<String, Long> expected = new TreeMap<>();
            for (int r = 0; r < ROUNDS; r++) {
                send(port, "GET", "/hello", 200, expected, tags("none", "GET", "SUCCESS", "/hello", 200));
                send(port, "POST", "/hello", 200, expected, tags("none", "POST", "SUCCESS", "/hello", 200));
                send(port, "GET", "/items/42", 404, expected, tags("none", "GET", "CLIENT_ERROR", "/items", 404));
                send(port, "GET", "/moved", 302, expected, tags("none", "GET", "REDIRECTION", "/moved", 302));
                send(port, "GET", "/filtered/x", 201, expected, tags("none", "GET", "SUCCESS", "/filtered", 201));
                send(port, "GET", "/nothing", 404, null, null); // no context: the server's own 404
                assertEquals("", rawGet(port, "/fail"), "the server closes the connection without a response");
                expected.merge(tags("IllegalStateException", "GET", "SERVER_ERROR", "/fail", 500), 1L, Long::sum);
            }
            long total = expected.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(
                    count(rx).values().stream().mapToLong(Long::longValue).sum() >= total,
                    "expected " + expected + "\nreceived " + count(rx) + "\n" + jvm.stderr()));
            // two more flushes: nothing else may arrive (each request counted once)
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertEquals(expected, count(rx), jvm.stderr());
            assertEquals(0, rx.countSum("dsd_agent.advice.errors"), jvm.stderr());
            assertFalse(jvm.stderr().contains("[dsd-agent] WARN"), jvm.stderr());
            assertFalse(jvm.stderr().contains("[dsd-agent] ERROR"), jvm.stderr());
            assertTrue(jvm.stderr().contains(",httpserver;"), jvm.stderr());
        }
    }

    @Test
    void theKillSwitchLeavesTheServerUnmeasured() throws Exception {
        String jdk = Jdks.homes().get(0); // the switch does not differ by JDK: one fork is enough
        try (UdpReceiver rx = new UdpReceiver(); ForkedJvm jvm = fork(jdk, rx, "false")) {
            int port = awaitPort(jvm);
            for (int r = 0; r < ROUNDS; r++) {
                send(port, "GET", "/hello", 200, null, null);
            }
            // the agent's own telemetry proves flushes happened after the requests
            long before = rx.metric("dsd_agent.contexts").size();
            await().atMost(Duration.ofSeconds(30)).until(() -> rx.metric("dsd_agent.contexts").size() >= before + 2);
            assertEquals(List.of(), rx.metric(METRIC), jvm.stderr());
            assertFalse(jvm.stderr().contains("httpserver"), jvm.stderr());
        }
    }

    private static ForkedJvm fork(String jdk, UdpReceiver rx, String enabled) throws IOException {
        return new ForkedJvm(jdk)
                .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                .env("DSD_AGENT_FLUSH_INTERVAL", "1s")
                .env("DSD_AGENT_INSTRUMENTATION_HTTPSERVER_ENABLED", enabled)
                .main("io.dsdagent.it.apps.JdkHttpServerApp")
                .start();
    }

    static String tags(String exception, String method, String outcome, String route, int status) {
        return "exception:" + exception + ",method:" + method + ",outcome:" + outcome + ",route:" + route
                + ",status:" + status;
    }

    private static void send(int port, String method, String path, int status, Map<String, Long> expected,
                             String tags) throws Exception {
        HttpResponse<String> resp = request(port, method, path);
        assertEquals(status, resp.statusCode(), method + " " + path + ": " + resp.body());
        if (expected != null) {
            expected.merge(tags, 1L, Long::sum);
        }
    }

    private static HttpResponse<String> request(int port, String method, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("x")
                        : HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One request on its own connection, sent once (the HTTP client would retry a GET the server dropped). */
    private static String rawGet(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Values per tag set over every {@value #METRIC} line; a sampled line fails the test. */
    static Map<String, Long> count(UdpReceiver rx) {
        Map<String, Long> out = new TreeMap<>();
        for (String l : rx.metric(METRIC)) {
            assertTrue(l.matches(METRIC + "(:\\d+(\\.\\d+)?)+\\|h\\|#[^|@]+"), l);
            String[] f = l.split("\\|");
            out.merge(f[2].substring(1), (long) f[0].substring(METRIC.length() + 1).split(":").length, Long::sum);
        }
        return out;
    }

    private static int awaitPort(ForkedJvm jvm) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!jvm.process().isAlive()) {
                throw new AssertionError("app exited: " + jvm.stdout() + jvm.stderr());
            }
            return jvm.stdout().contains("port=");
        });
        String out = jvm.stdout();
        int i = out.indexOf("port=") + 5;
        int end = out.indexOf('\n', i);
        return Integer.parseInt(out.substring(i, end < 0 ? out.length() : end).trim());
    }
}
