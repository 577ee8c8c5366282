package io.dsdagent.it.apps;

import io.dsdagent.annotation.Counted;
import io.dsdagent.annotation.Timed;
import io.dsdagent.api.Counter;
import io.dsdagent.api.Distribution;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Histogram;
import io.dsdagent.api.Timer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's application: Jetty 12 (ee10) with one servlet that calls an annotated service, under steady
 * load from {@code args[0]} client threads, and records through the API on both sides. Every request
 * records exactly {@code 6 + args[1]} samples, each a value of 1 or one timer/histogram value:
 * <ul>
 *   <li>server: {@code soak.work} ({@code @Timed}), {@code soak.calls} ({@code @Counted}),
 *       {@code http.server.requests} (the agent), {@code soak.seq} (a histogram of the request's sequence
 *       number 1, 2, 3, ..., so a receiver knows exactly which requests' samples arrived) and
 *       {@code args[1]} values of the distribution {@code soak.batch} (volume for the socket buffers);</li>
 *   <li>client: {@code soak.requests} (counter, +1) and {@code soak.client} (timer).</li>
 * </ul>
 * It measures its own view: errors, the longest recording call (the API calls of a request, timed
 * together) and the longest request.
 *
 * <p>stdin: {@code mark} prints {@code mark <last sequence number>}; {@code heap} prints the used heap
 * after a full GC; {@code stop} stops the load and prints
 * {@code totals requests=N errors=E recordMaxMicros=R requestMaxMicros=Q}, then returns (the agent
 * flushes on exit). Prints {@code ready} when serving.
 */
public final class SoakApp {
    static final AtomicLong SEQ = new AtomicLong();
    static final Histogram SEQUENCE = DsdMetrics.histogram("soak.seq");
    static final Distribution BATCH = DsdMetrics.distribution("soak.batch");
    static volatile int batch;

    /** The annotated service: its code knows nothing of metrics. */
    public static class Service {
        @Timed("soak.work")
        @Counted("soak.calls")
        public long work(int n) {
            long h = n;
            for (int i = 0; i < 200; i++) {
                h = h * 31 + i;
            }
            return h;
        }
    }

    public static final class WorkServlet extends HttpServlet {
        private final Service service = new Service();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            long h = service.work(ThreadLocalRandom.current().nextInt());
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long t0 = System.nanoTime();
            SEQUENCE.record(SEQ.incrementAndGet());
            for (int i = 0; i < batch; i++) {
                BATCH.record(r.nextDouble());
            }
            RECORD_MAX.accumulateAndGet(System.nanoTime() - t0, Math::max);
            resp.getWriter().print(h);
        }
    }

    static final AtomicLong REQUESTS = new AtomicLong();
    static final AtomicLong ERRORS = new AtomicLong();
    static final AtomicLong RECORD_MAX = new AtomicLong();
    static final AtomicLong REQUEST_MAX = new AtomicLong();
    static volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        batch = Integer.parseInt(args[1]);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(WorkServlet.class, "/work");
        server.setHandler(ctx);
        server.start();
        URL url = new URL("http://127.0.0.1:" + connector.getLocalPort() + "/work");

        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> client(url), "load-" + t);
            th.start();
            load.add(th);
        }
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "mark":
                    System.out.println("mark " + SEQ.get());
                    break;
                case "heap":
                    System.gc();
                    System.gc();
                    System.out.println("heap " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    break;
                case "stop":
                    running = false;
                    for (Thread th : load) {
                        th.join();
                    }
                    server.stop();
                    System.out.println("totals requests=" + REQUESTS.get() + " seq=" + SEQ.get() + " errors=" + ERRORS.get()
                            + " recordMaxMicros=" + RECORD_MAX.get() / 1000 + " requestMaxMicros=" + REQUEST_MAX.get() / 1000);
                    System.out.flush();
                    return;
                default:
                    System.out.println("unknown command " + line);
            }
            System.out.flush();
        }
    }

    private static void client(URL url) {
        Counter requests = DsdMetrics.counter("soak.requests");
        Timer latency = DsdMetrics.timer("soak.client");
        byte[] buf = new byte[256];
        while (running) {
            long t0 = System.nanoTime();
            try {
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                int status = c.getResponseCode();
                try (InputStream body = status == 200 ? c.getInputStream() : c.getErrorStream()) {
                    while (body != null && body.read(buf) >= 0) {
                        // drain, so the connection is kept alive
                    }
                }
                if (status != 200) {
                    ERRORS.incrementAndGet();
                    System.err.println("status " + status);
                }
            } catch (Exception e) {
                ERRORS.incrementAndGet();
                e.printStackTrace();
            }
            long t1 = System.nanoTime();
            requests.increment();
            latency.record(t1 - t0);
            long t2 = System.nanoTime();
            REQUESTS.incrementAndGet();
            RECORD_MAX.accumulateAndGet(t2 - t1, Math::max);
            REQUEST_MAX.accumulateAndGet(t1 - t0, Math::max);
            LockSupport.parkNanos(10_000_000L); // steady load, about 90 requests/s per thread
        }
    }
}
