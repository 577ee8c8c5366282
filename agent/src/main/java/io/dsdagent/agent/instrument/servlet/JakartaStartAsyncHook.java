package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;

/**
 * Hook of every jakarta {@code ServletRequest.startAsync}: inside the counting servlet/filter entry,
 * attaches the completion listener right away, before any other thread can complete the async context.
 */
public final class JakartaStartAsyncHook {
    private JakartaStartAsyncHook() {
    }

    public static void exit(int code, Object a, Object b, Object returned, Throwable thrown) {
        try {
            AsyncContext ac = (AsyncContext) returned;
            if (ac != null && Bridge.httpAsyncStarting()) {
                Object p = ac.getRequest().getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
                Object l = Bridge.httpAsyncListener(AsyncListener.class, p instanceof String ? (String) p : null);
                if (l != null) {
                    ac.addListener((AsyncListener) l, ac.getRequest(), ac.getResponse());
                    Bridge.httpAsyncRegistered();
                }
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
