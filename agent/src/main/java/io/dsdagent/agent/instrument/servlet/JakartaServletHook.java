package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;

/**
 * Hook of every jakarta {@code Servlet.service} and {@code Filter.doFilter}: the outermost entry of a
 * request's first dispatch records it (unless startAsync attached a completion listener, which then
 * does). Defined next to the container's servlet API (see {@code HookTable}); never throws.
 */
public final class JakartaServletHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public JakartaServletHook() {
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
                Bridge.httpRequest(r.getMethod(), s.getStatus(), s.isCommitted(), route(r), cause(thrown));
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }

    /**
     * The request's route: the pattern Spring MVC matched, else the servlet mapping's pattern (none for the
     * default servlet). Also used by the async listener.
     */
    static String route(HttpServletRequest r) {
        Object p = r.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
        if (p instanceof String) {
            return (String) p;
        }
        HttpServletMapping m = r.getHttpServletMapping();
        return m != null && m.getMappingMatch() != null && m.getMappingMatch() != MappingMatch.DEFAULT
                ? m.getPattern() : null;
    }

    /** What a {@code ServletException} wraps, else {@code t} itself. Also used by the async listener. */
    static Throwable cause(Throwable t) {
        Throwable root = t instanceof ServletException ? ((ServletException) t).getRootCause() : null;
        return root != null ? root : t;
    }
}
