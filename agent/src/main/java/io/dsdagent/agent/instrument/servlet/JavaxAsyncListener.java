package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletMapping;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.MappingMatch;

/**
 * Records an async javax request (Servlet 4.0 API present) when its async context completes (the one allocation of an async
 * request). Never loaded by the agent's own loader: {@link AsyncListeners} defines it next to the
 * servlet API the container uses, so it may reference only that API, the bridge and {@code java.*}.
 */
public final class JavaxAsyncListener implements AsyncListener {
    private final long start;
    /** The route seen when async processing started; used if the request no longer tells it at completion. */
    private final String startRoute;
    private volatile Throwable error;

    public JavaxAsyncListener(long start, String startRoute) {
        this.start = start;
        this.startRoute = startRoute;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        try {
            HttpServletRequest r = (HttpServletRequest) event.getSuppliedRequest();
            HttpServletResponse s = (HttpServletResponse) event.getSuppliedResponse();
            Object p = r.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
            String route = p instanceof String ? (String) p : null;
            if (route == null) {
                HttpServletMapping m = r.getHttpServletMapping();
                if (m != null && m.getMappingMatch() != null && m.getMappingMatch() != MappingMatch.DEFAULT) {
                    route = m.getPattern();
                }
            }
            Bridge.httpRequestAsync(start, r.getMethod(), s.getStatus(), true, route == null ? startRoute : route,
                    error);
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        if (t instanceof ServletException && ((ServletException) t).getRootCause() != null) {
            t = ((ServletException) t).getRootCause();
        }
        error = t;
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // the container completes (or errors) the request next; onComplete records it
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        try {
            // startAsync again (after an async dispatch) drops listeners unless they re-register
            event.getAsyncContext().addListener(this, event.getSuppliedRequest(), event.getSuppliedResponse());
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
