package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Records an async javax request (Servlet 3.x: no mapping API) when its async context completes (the one allocation of an async
 * request). Never loaded by the agent's own loader: its start-async hook creates it, in the hook's loader next to the
 * servlet API the container uses, so it may reference only that API, the bridge, {@code java.*} and
 * {@link Javax3ServletHook}, whose cause it shares (its loader defines a copy).
 */
public final class Javax3AsyncListener implements AsyncListener {
    private final long start;
    /** The route seen when async processing started; used if the request no longer tells it at completion. */
    private final String startRoute;
    private volatile Throwable error;

    public Javax3AsyncListener(long start, String startRoute) {
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
            Bridge.httpRequestAsync(start, r.getMethod(), s.getStatus(), true, route == null ? startRoute : route,
                    error);
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        try {
            error = Javax3ServletHook.cause(event.getThrowable());
        } catch (Throwable t) { // the hook class could not be loaded: never fail the container's callback
            Bridge.adviceError(t);
        }
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
