package io.dsdagent.it.apps;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's built-in server with lambda handlers (hidden classes, never woven): {@code /hello} 200,
 * {@code /items} 404 for every item, {@code /moved} 302, {@code /fail} throws before responding,
 * {@code /filtered} 201 behind a user filter; no {@code /} context, so other paths are the server's own
 * 404. Prints {@code port=N}; stops when stdin closes.
 */
public final class JdkHttpServerApp {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", x -> reply(x, 200, "hi"));
        server.createContext("/items", x -> reply(x, 404, "no such item"));
        server.createContext("/moved", x -> {
            x.getResponseHeaders().set("Location", "/hello");
            reply(x, 302, "");
        });
        server.createContext("/fail", x -> {
            throw new IllegalStateException("handler failed");
        });
        server.createContext("/filtered", x -> reply(x, 201, "made")).getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange x, Chain chain) throws IOException {
                chain.doFilter(x);
            }

            @Override
            public String description() {
                return "pass-through";
            }
        });
        server.start();
        System.out.println("port=" + server.getAddress().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes stdin
        }
        server.stop(0);
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }
}
