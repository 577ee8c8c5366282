package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Hook of Tomcat's {@code StandardHostValve.invoke} (jakarta, Tomcat 10+): the container's entry for
 * requests no servlet or filter sees (an unmapped path answered 404 by the context valve). Counts a
 * request only if no servlet/filter entry inside it did.
 */
public final class JakartaHostValveHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public JakartaHostValveHook() {
    }

    @Override
    public int enter(Object request, Object unused) {
        try {
            HttpServletRequest req = (HttpServletRequest) request;
            // Tomcat runs an async dispatch through the pipeline while the request still says REQUEST;
            // the async attributes it sets for the dispatch tell the two apart
            return HttpNesting.enter(true, req.getDispatcherType() == DispatcherType.REQUEST
                    && req.getAttribute(AsyncContext.ASYNC_REQUEST_URI) == null);
        } catch (Throwable t) {
            Bridge.adviceError(t);
            return HttpNesting.UNTRACKED;
        }
    }

    @Override
    public void exit(int code, Object request, Object response, Object returned, Throwable thrown) {
        try {
            if (HttpNesting.exit(code) == HttpNesting.RECORD) {
                HttpServletRequest req = (HttpServletRequest) request;
                HttpServletResponse resp = (HttpServletResponse) response;
                Bridge.httpRequest(req.getMethod(), resp.getStatus(), resp.isCommitted(), null, thrown);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
