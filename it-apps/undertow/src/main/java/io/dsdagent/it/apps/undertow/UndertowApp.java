package io.dsdagent.it.apps.undertow;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.PathHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.InstanceFactory;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Undertow with a servlet deployment under /app (its default servlet answers unmapped paths there)
 * and nothing else: a path outside /app is answered 404 by Undertow's own path handler, no servlet
 * involved. Prints {@code port=N} when ready; stops when stdin closes.
 */
public final class UndertowApp {
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

    private static InstanceFactory<? extends Servlet> of(Servlet s) {
        return new ImmediateInstanceFactory<>(s);
    }

    public static void main(String[] args) throws Exception {
        DeploymentInfo di = Servlets.deployment()
                .setClassLoader(UndertowApp.class.getClassLoader())
                .setContextPath("/app")
                .setDeploymentName("app")
                .addServlets(
                        Servlets.servlet("hello", Hello.class, of(new Hello())).addMapping("/hello"),
                        Servlets.servlet("items", Items.class, of(new Items())).addMapping("/items/*"),
                        Servlets.servlet("redirect", Redirect.class, of(new Redirect())).addMapping("/redirect"),
                        Servlets.servlet("boom", Boom.class, of(new Boom())).addMapping("/boom"),
                        Servlets.servlet("async", Async.class, of(new Async())).addMapping("/async").setAsyncSupported(true));
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(di);
        manager.deploy();
        PathHandler path = Handlers.path().addPrefixPath("/app", manager.start());
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(path).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        System.out.println("port=" + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // run until the test closes stdin
        }
        server.stop();
        ASYNC.shutdown();
    }
}
