package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import jakarta.servlet.AsyncContext;

/**
 * Hook of every jakarta {@code ServletRequest.startAsync}: inside the counting servlet/filter entry,
 * attaches the completion listener right away, before any other thread can complete the async context.
 * The hook's loader defines this whole package next to the container's servlet API, so the hook
 * creates its {@link JakartaAsyncListener} itself: one object per async request, no agent round trip.
 */
public final class JakartaStartAsyncHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public JakartaStartAsyncHook() {
    }

    @Override
    public void exit(int code, Object a, Object b, Object returned, Throwable thrown) {
        try {
            AsyncContext ac = (AsyncContext) returned;
            if (ac != null && HttpNesting.asyncStarting()) {
                Object p = ac.getRequest().getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
                JakartaAsyncListener l = new JakartaAsyncListener(HttpNesting.start(), p instanceof String ? (String) p : null);
                ac.addListener(l, ac.getRequest(), ac.getResponse());
                HttpNesting.asyncRegistered();
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
