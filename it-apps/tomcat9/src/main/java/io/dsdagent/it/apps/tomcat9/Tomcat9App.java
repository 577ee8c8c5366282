package io.dsdagent.it.apps.tomcat9;

import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Embedded Tomcat 9 (javax) with no default servlet, so an unmapped path is answered 404 by the
 * container itself: /hello, /items/*, /redirect (302), /boom (throws), /async (completed on another
 * thread). Prints {@code port=N} when ready; stops when stdin closes.
 */
public final class Tomcat9App {
    static final ExecutorService ASYNC = Executors.newFixedThreadPool(2);

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat9").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", new File(".").getAbsolutePath());
        add(ctx, "hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("hello");
            }

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("posted");
            }
        }, "/hello");
        add(ctx, "items", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("item " + req.getPathInfo());
            }
        }, "/items/*");
        add(ctx, "redirect", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendRedirect("/hello");
            }
        }, "/redirect");
        add(ctx, "boom", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("boom");
            }
        }, "/boom");
        add(ctx, "async", new HttpServlet() {
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
        }, "/async").setAsyncSupported(true);
        tomcat.start();
        System.out.println("port=" + tomcat.getConnector().getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // run until the test closes stdin
        }
        tomcat.stop();
        ASYNC.shutdown();
    }

    private static org.apache.catalina.Wrapper add(Context ctx, String name, HttpServlet servlet, String mapping) {
        org.apache.catalina.Wrapper w = Tomcat.addServlet(ctx, name, servlet);
        ctx.addServletMappingDecoded(mapping, name);
        return w;
    }
}
