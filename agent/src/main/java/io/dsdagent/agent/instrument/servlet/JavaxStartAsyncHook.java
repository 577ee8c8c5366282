package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;

/**
 * Hook of every javax {@code ServletRequest.startAsync}: inside the counting servlet/filter entry,
 * attaches the completion listener right away, before any other thread can complete the async context.
 * The hook's loader defines this whole package next to the container's servlet API, so the hook
 * creates its listener itself: {@link JavaxAsyncListener} where the API has Servlet 4.0's mapping API,
 * else {@link Javax3AsyncListener}, which never links against it. One object per async request.
 */
public final class JavaxStartAsyncHook extends Hook {
    /** Whether this copy of the API has Servlet 4.0's mapping API (the listener then reads the route itself). */
    private static final boolean MAPPING_API = hasMappingApi();

    /** Made by the hook table, once per API copy. */
    public JavaxStartAsyncHook() {
    }

    private static boolean hasMappingApi() {
        ClassLoader l = AsyncContext.class.getClassLoader();
        String res = "javax/servlet/http/HttpServletMapping.class";
        return l == null ? ClassLoader.getSystemResource(res) != null : l.getResource(res) != null;
    }

    @Override
    public void exit(int code, Object a, Object b, Object returned, Throwable thrown) {
        try {
            AsyncContext ac = (AsyncContext) returned;
            if (ac != null && HttpNesting.asyncStarting()) {
                Object p = ac.getRequest().getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
                String route = p instanceof String ? (String) p : null;
                if (route == null && !MAPPING_API && ac.getRequest() instanceof HttpServletRequest) {
                    // Servlet 3.x: only here, inside the servlet, does the request still tell its servlet path
                    route = Javax3Routes.route((HttpServletRequest) ac.getRequest());
                }
                ac.addListener(listener(HttpNesting.start(), route), ac.getRequest(), ac.getResponse());
                HttpNesting.asyncRegistered();
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    /** Each listener class is resolved only on its own branch, so a 3.x API never links the 4.0 one. */
    private static AsyncListener listener(long start, String route) {
        if (MAPPING_API) {
            return new JavaxAsyncListener(start, route);
        }
        return new Javax3AsyncListener(start, route);
    }
}
