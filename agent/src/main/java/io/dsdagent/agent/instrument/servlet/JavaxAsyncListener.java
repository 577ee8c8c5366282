package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Records an async javax request (Servlet 4.0 API present) when its async context completes (the one allocation of an async
 * request). Never loaded by the agent's own loader: its start-async hook creates it, in the hook's loader next to the
 * servlet API the container uses, so it may reference only that API, the bridge, {@code java.*} and the hook
 * class of its own API ({@link JavaxServletHook}, whose route and cause it shares; its loader defines a copy).
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
            String route = JavaxServletHook.route(r);
            Bridge.httpRequestAsync(start, r.getMethod(), s.getStatus(), true, route == null ? startRoute : route,
                    error);
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        try {
            error = JavaxServletHook.cause(event.getThrowable());
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
