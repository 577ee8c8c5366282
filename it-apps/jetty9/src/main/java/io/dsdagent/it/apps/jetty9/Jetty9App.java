package io.dsdagent.it.apps.jetty9;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Embedded Jetty 9.4 (javax.servlet 3.1: no {@code HttpServletMapping}), one servlet context at {@code /app}
 * whose unmapped paths Jetty answers 404 through its own default servlet (paths outside it: Jetty's server
 * alone): /hello, /items/* (also as
 * *.item), /redirect (302), /boom (throws), /async (completed on another thread). Prints {@code port=N} when
 * ready; stops when stdin closes.
 */
public final class Jetty9App {
    static final ExecutorService ASYNC = Executors.newFixedThreadPool(2);

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/app");
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello");
            }

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("posted");
            }
        }), "/hello");
        ServletHolder items = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("item " + req.getPathInfo());
            }
        });
        ctx.addServlet(items, "/items/*");
        ctx.addServlet(items, "*.item");
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendRedirect("/hello");
            }
        }), "/redirect");
        ctx.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("boom");
            }
        }), "/boom");
        ServletHolder async = new ServletHolder(new HttpServlet() {
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
        });
        async.setAsyncSupported(true);
        ctx.addServlet(async, "/async");
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
