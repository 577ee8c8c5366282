package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import javax.servlet.DispatcherType;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Hook of every javax (Servlet 3.x, no mapping API: routes from {@link Javax3Routes}) {@code Servlet.service} and
 * {@code Filter.doFilter}: the outermost entry of a
 * request's first dispatch records it (unless startAsync attached a completion listener, which then
 * does). Defined next to the container's servlet API (see {@code HookTable}); never throws.
 */
public final class Javax3ServletHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public Javax3ServletHook() {
    }

    @Override
    public int enter(Object request, Object unused) {
        try {
            ServletRequest req = (ServletRequest) request;
            return HttpNesting.enter(false, req instanceof HttpServletRequest
                    && req.getDispatcherType() == DispatcherType.REQUEST);
        } catch (Throwable t) {
            Bridge.adviceError(t);
            return HttpNesting.UNTRACKED;
        }
    }

    @Override
    public void exit(int code, Object req, Object resp, Object returned, Throwable thrown) {
        try {
            if (HttpNesting.exit(code) == HttpNesting.RECORD && resp instanceof HttpServletResponse) {
                HttpServletRequest r = (HttpServletRequest) req;
                HttpServletResponse s = (HttpServletResponse) resp;
                Object p = r.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
                String route = p instanceof String ? (String) p : Javax3Routes.route(r);
                Bridge.httpRequest(r.getMethod(), s.getStatus(), s.isCommitted(), route, cause(thrown));
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    /** What a {@code ServletException} wraps, else {@code t} itself. Also used by the async listener. */
    static Throwable cause(Throwable t) {
        Throwable root = t instanceof ServletException ? ((ServletException) t).getRootCause() : null;
        return root != null ? root : t;
    }
}
