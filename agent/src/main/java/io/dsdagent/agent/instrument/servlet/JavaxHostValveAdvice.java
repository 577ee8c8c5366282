package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Tomcat's {@code StandardHostValve.invoke} (javax, Tomcat 7-9): the container's entry for requests
 * no servlet or filter sees (an unmapped path answered 404 by the context valve). Counts a request
 * only if no servlet/filter entry inside it did.
 */
public final class JavaxHostValveAdvice {
    private JavaxHostValveAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.Argument(0) HttpServletRequest req) {
        // Tomcat runs an async dispatch through the pipeline while the request still says REQUEST;
        // the async attributes it sets for the dispatch tell the two apart
        return Bridge.httpEnter(true, req.getDispatcherType() == DispatcherType.REQUEST
                && req.getAttribute(AsyncContext.ASYNC_REQUEST_URI) == null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int code, @Advice.Argument(0) HttpServletRequest req,
                            @Advice.Argument(1) HttpServletResponse resp, @Advice.Thrown Throwable thrown) {
        if (Bridge.httpExit(code) == Bridge.HTTP_RECORD) {
            Bridge.httpRequest(req.getMethod(), resp.getStatus(), resp.isCommitted(), null, thrown);
        }
    }
}
