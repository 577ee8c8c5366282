package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;
import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the context cap from stdin, one command per line, printing {@code ok <command>} after each:
 * <ul>
 *   <li>{@code old} / {@code new}: 900 counters {@code cap.old} / {@code cap.new} (tag {@code i:N}), each
 *       incremented once; the {@code old} handles are kept.</li>
 *   <li>{@code again}: every kept {@code cap.old} handle is incremented once more.</li>
 *   <li>{@code flood}: 5,000 counters {@code cap.flood} with unique tags, each incremented once; then 100
 *       calls of a {@code @Timed("cap.work")} method whose class loads only now, and 100 requests to a
 *       Jetty server started only now ({@code GET /app/hello}); prints {@code requests K}, the 200s.</li>
 *   <li>{@code redeploy DIR}: 20 times, a fresh class loader over {@code DIR} loads
 *       {@code redeploy.Service} and calls its {@code @Timed} {@code run()}, which throws its own
 *       {@code redeploy.ServiceFailure}; only weak references to the loaders are kept.</li>
 *   <li>{@code gc}: runs the collector once and prints {@code alive K}, the redeploy loaders not yet
 *       collected.</li>
 * </ul>
 */
public final class ContextCapApp {
    static final int CONTEXTS = 900;
    static final int FLOOD = 5_000;
    static final int WORK = 100;
    static final int REDEPLOYS = 20;

    private static final List<Counter> OLD = new ArrayList<>();
    private static final List<WeakReference<ClassLoader>> LOADERS = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "old":
                    for (int i = 0; i < CONTEXTS; i++) {
                        Counter c = DsdMetrics.counter("cap.old", "i:" + i);
                        c.increment();
                        OLD.add(c);
                    }
                    break;
                case "new":
                    for (int i = 0; i < CONTEXTS; i++) {
                        DsdMetrics.counter("cap.new", "i:" + i).increment();
                    }
                    break;
                case "again":
                    for (Counter c : OLD) {
                        c.increment();
                    }
                    break;
                case "flood":
                    for (int i = 0; i < FLOOD; i++) {
                        DsdMetrics.counter("cap.flood", "u:" + i).increment();
                    }
                    long sum = 0;
                    for (int i = 0; i < WORK; i++) {
                        sum += Work.work(i);
                    }
                    System.out.println("work " + sum);
                    System.out.println("requests " + requests(WORK));
                    break;
                case "redeploy":
                    redeploy(new File(w[1]));
                    break;
                case "gc":
                    System.gc();
                    System.out.println("alive " + LOADERS.stream().filter(r -> r.get() != null).count());
                    break;
                case "exit":
                    System.out.println("ok exit");
                    return;
                default:
                    throw new IllegalArgumentException(line);
            }
            System.out.println("ok " + line.trim());
        }
    }

    private static int requests(int n) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/app");
        ctx.addServlet(JettyServletApp.Hello.class, "/hello");
        server.setHandler(ctx);
        server.start();
        int ok = 0;
        try {
            URL url = new URL("http://127.0.0.1:" + connector.getLocalPort() + "/app/hello");
            for (int i = 0; i < n; i++) {
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                if (c.getResponseCode() == 200) {
                    ok++;
                }
                try (InputStream body = c.getInputStream()) {
                    body.readAllBytes();
                }
            }
        } finally {
            server.stop();
        }
        return ok;
    }

    private static void redeploy(File dir) throws Exception {
        URL[] urls = {dir.toURI().toURL()};
        for (int i = 0; i < REDEPLOYS; i++) {
            try (URLClassLoader loader = new URLClassLoader(urls, ContextCapApp.class.getClassLoader())) {
                Object service = loader.loadClass("redeploy.Service").getDeclaredConstructor().newInstance();
                try {
                    service.getClass().getMethod("run").invoke(service);
                    throw new AssertionError("run() returned");
                } catch (InvocationTargetException e) {
                    System.out.println("thrown " + e.getCause().getClass().getName());
                }
                LOADERS.add(new WeakReference<>(loader));
            }
        }
    }

    /** Loaded on first use, in {@code flood}, after the API flood. */
    static final class Work {
        @Timed("cap.work")
        static int work(int i) {
            return i + 1;
        }
    }
}
