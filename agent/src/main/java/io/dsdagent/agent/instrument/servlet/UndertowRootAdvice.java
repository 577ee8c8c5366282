package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Undertow's {@code Connectors.executeRootHandler}: the container's entry for requests no servlet or
 * filter sees. Counts a request only if no servlet/filter entry inside it did, it was not dispatched
 * to another thread (which enters here again) and its response is complete.
 */
public final class UndertowRootAdvice {
    private UndertowRootAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter() {
        return Bridge.httpEnter(true, true);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int code, @Advice.Argument(1) HttpServerExchange exchange) {
        if (Bridge.httpExit(code) == Bridge.HTTP_RECORD && exchange.isResponseComplete()) {
            Bridge.httpRequest(exchange.getRequestMethod().toString(), exchange.getStatusCode(), true, null, null);
        }
    }

    /** {@code HttpServerExchange.dispatch(..)}: the request continues on another thread, which counts it. */
    public static final class Dispatch {
        private Dispatch() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            Bridge.httpHandedOff();
        }
    }
}
