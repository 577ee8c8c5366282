package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncListener;
import net.bytebuddy.asm.Advice;

/**
 * Every javax {@code ServletRequest.startAsync}: inside the counting servlet/filter entry, attaches the
 * completion listener right away, before any other thread can complete the async context.
 */
public final class JavaxStartAsyncAdvice {
    private JavaxStartAsyncAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return AsyncContext ac) {
        if (ac != null && Bridge.httpAsyncStarting()) {
            Object p = ac.getRequest().getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
            Object l = Bridge.httpAsyncListener(AsyncListener.class, p instanceof String ? (String) p : null);
            if (l != null) {
                ac.addListener((AsyncListener) l, ac.getRequest(), ac.getResponse());
                Bridge.httpAsyncRegistered();
            }
        }
    }
}
