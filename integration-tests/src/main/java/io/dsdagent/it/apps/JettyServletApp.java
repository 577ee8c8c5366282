package io.dsdagent.it.apps;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Jetty 12 (ee10, jakarta) with a servlet context under /app (Jetty's default 404 servlet answers
 * unmapped paths there); a path outside /app is answered 404 by Jetty's server, no servlet involved.
 * Prints {@code port=N} when ready; stops when stdin closes.
 */
public final class JettyServletApp {
    static final ExecutorService ASYNC = Executors.newFixedThreadPool(2);

    public static final class Hello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("hello");
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("posted");
        }
    }

    public static final class Items extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().print("item " + req.getPathInfo());
        }
    }

    public static final class Redirect extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendRedirect("/app/hello");
        }
    }

    public static final class Boom extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            throw new IllegalStateException("boom");
        }
    }

    public static final class Async extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext ac = req.startAsync();
            ASYNC.execute(() -> {
                try {
                    ac.getResponse().getWriter().print("async");
                } catch (IOException ignored) {
                    // client gone
                }
                ac.complete();
            });
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/app");
        ctx.addServlet(Hello.class, "/hello");
        ctx.addServlet(Items.class, "/items/*");
        ctx.addServlet(Redirect.class, "/redirect");
        ctx.addServlet(Boom.class, "/boom");
        ctx.addServlet(Async.class, "/async").setAsyncSupported(true);
        server.setHandler(ctx);
        server.start();
        System.out.println("port=" + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // run until the test closes stdin
        }
        server.stop();
        ASYNC.shutdown();
    }
}
