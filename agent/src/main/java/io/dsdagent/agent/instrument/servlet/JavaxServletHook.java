package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.DispatcherType;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletMapping;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.MappingMatch;

/**
 * Hook of every javax (Servlet 4.0+) {@code Servlet.service} and {@code Filter.doFilter}: the outermost entry of a
 * request's first dispatch records it (unless startAsync attached a completion listener, which then
 * does). Defined next to the container's servlet API (see {@code HookTable}); never throws.
 */
public final class JavaxServletHook {
    private JavaxServletHook() {
    }

    public static int enter(Object request, Object unused) {
        try {
            ServletRequest req = (ServletRequest) request;
            return Bridge.httpEnter(false, req instanceof HttpServletRequest
                    && req.getDispatcherType() == DispatcherType.REQUEST);
        } catch (Throwable t) {
            Bridge.adviceError(t);
            return Bridge.HTTP_UNTRACKED;
        }
    }

    public static void exit(int code, Object req, Object resp, Object returned, Throwable thrown) {
        try {
            if (Bridge.httpExit(code) == Bridge.HTTP_RECORD && resp instanceof HttpServletResponse) {
                HttpServletRequest r = (HttpServletRequest) req;
                HttpServletResponse s = (HttpServletResponse) resp;
                Object p = r.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
                String route = p instanceof String ? (String) p : null;
                if (route == null) {
                    HttpServletMapping m = r.getHttpServletMapping();
                    if (m != null && m.getMappingMatch() != null && m.getMappingMatch() != MappingMatch.DEFAULT) {
                        route = m.getPattern();
                    }
                }
                Throwable t = thrown;
                if (t instanceof ServletException && ((ServletException) t).getRootCause() != null) {
                    t = ((ServletException) t).getRootCause();
                }
                Bridge.httpRequest(r.getMethod(), s.getStatus(), s.isCommitted(), route, t);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
