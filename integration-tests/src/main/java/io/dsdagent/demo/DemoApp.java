package io.dsdagent.demo;

import io.dsdagent.annotation.Counted;
import io.dsdagent.annotation.Timed;
import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Event;
import io.dsdagent.api.Gauge;
import io.dsdagent.api.ServiceCheckStatus;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a Jetty 12 servlet application (the agent times every request as {@code http.server.requests})
 * with annotated service methods and a little load, meant to
 * run with {@code -javaagent:dsd-agent.jar} next to {@code java -jar dsd-agent.jar listen}. It ends by
 * itself after {@code args[0]} seconds (default 30).
 */
public final class DemoApp {
    /** A service whose methods the agent times and counts, with no code of ours in them. */
    public static class OrderService {
        @Timed(value = "orders.place", tags = {"channel:web"})
        public String place(int item) throws InterruptedException {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 5));
            if (item % 10 == 0) {
                throw new IllegalStateException("out of stock");
            }
            return "order-" + item;
        }

        @Counted("orders.lookup")
        public String lookup(int item) {
            return "item-" + item;
        }

        /** Timed until the future completes, not until the method returns. */
        @Timed("orders.ship")
        public CompletableFuture<String> ship(int item) {
            return CompletableFuture.supplyAsync(() -> "shipped-" + item,
                    CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(5, 15), TimeUnit.MILLISECONDS));
        }
    }

    public static final class OrderServlet extends HttpServlet {
        private final OrderService service = new OrderService();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int item = ThreadLocalRandom.current().nextInt(100);
            try {
                resp.getWriter().print(service.place(item) + " " + service.lookup(item) + " " + service.ship(item).join());
            } catch (IllegalStateException e) {
                resp.sendError(409, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                resp.sendError(503);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(OrderServlet.class, "/orders/*");
        server.setHandler(ctx);
        server.start();
        int port = connector.getLocalPort();
        System.out.println("demo: Jetty on http://127.0.0.1:" + port + "/orders, load for " + seconds + " s");

        Counter requests = DsdMetrics.counter("demo.client.requests");
        Gauge queue = DsdMetrics.gauge("demo.queue.depth");
        DsdMetrics.event(Event.of("demo started", "load for " + seconds + " s\nthen stop").alertType("info"));
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            // every tenth request goes to an unmapped path: http.server.requests shows it as route:NOT_FOUND
            String path = n % 10 == 9 ? "/missing/" + n : "/orders/" + n;
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            requests.increment();
            queue.set(n % 7);
            n++;
            Thread.sleep(20);
        }
        DsdMetrics.serviceCheck("demo.health", ServiceCheckStatus.OK, "sent " + n + " requests");
        server.stop();
        System.out.println("demo: sent " + n + " requests; done");
    }
}
