package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;
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

/**
 * The application of the start-up and overhead benchmarks and of the class-sharing tests: a Jetty 12
 * servlet with one annotated service method. {@code StartupApp <port> serve} runs until killed;
 * {@code StartupApp <port> once} answers one request of its own and exits (archive training, tests).
 */
public final class StartupApp {
    /** The annotated service method every request goes through. */
    public static final class Greeter {
        @Timed("startup.greet")
        public String greet(String who) {
            return "hello " + who;
        }
    }

    public static final class HelloServlet extends HttpServlet {
        private final Greeter greeter = new Greeter();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().print(greeter.greet("world"));
        }
    }

    /** {@code /heap}: heap in use after a full GC, in bytes (for the overhead benchmark's memory column). */
    public static final class HeapServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            System.gc();
            java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                    .getHeapMemoryUsage();
            resp.setContentType("text/plain");
            resp.getWriter().print(heap.getUsed());
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        boolean once = args.length > 1 && args[1].equals("once");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(HelloServlet.class, "/hello");
        context.addServlet(HeapServlet.class, "/heap");
        server.setHandler(context);
        server.start();
        if (once) {
            int actual = connector.getLocalPort();
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + actual + "/hello").openConnection();
            int status = c.getResponseCode();
            try (InputStream in = c.getInputStream()) {
                System.out.println(status + " " + new String(in.readAllBytes(), "UTF-8"));
            }
            server.stop();
            System.exit(0);
        }
        server.join();
    }
}
