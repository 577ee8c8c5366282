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
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every javax (Servlet 4.0) {@code Servlet.service} and {@code Filter.doFilter}: the outermost entry of
 * a request's first dispatch records it (unless startAsync attached a completion listener, which then does).
 * References only the bridge and the servlet API the instrumented class already sees.
 */
public final class JavaxServletAdvice {
    private JavaxServletAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.Argument(0) ServletRequest req) {
        return Bridge.httpEnter(false, req instanceof HttpServletRequest
                && req.getDispatcherType() == DispatcherType.REQUEST);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int code, @Advice.Argument(0) ServletRequest req,
                            @Advice.Argument(1) ServletResponse resp, @Advice.Thrown Throwable thrown) {
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
    }
}
