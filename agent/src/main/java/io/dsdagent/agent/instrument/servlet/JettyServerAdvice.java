package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Jetty 12's {@code Server.handle}: the container's entry for requests no servlet or filter sees (no
 * context matched: Jetty answers 404 when it returns false). Counts a request only if no
 * servlet/filter entry inside it did.
 */
public final class JettyServerAdvice {
    private JettyServerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter() {
        return Bridge.httpEnter(true, true);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int code, @Advice.Argument(0) Request req,
                            @Advice.Argument(1) Response resp, @Advice.Return boolean handled,
                            @Advice.Thrown Throwable thrown) {
        if (Bridge.httpExit(code) == Bridge.HTTP_RECORD) {
            Bridge.httpRequest(req.getMethod(), handled || thrown != null ? resp.getStatus() : 404,
                    resp.isCommitted(), null, thrown);
        }
    }
}
