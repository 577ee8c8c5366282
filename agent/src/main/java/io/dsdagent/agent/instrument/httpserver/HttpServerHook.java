package io.dsdagent.agent.instrument.httpserver;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;

/**
 * Hook of {@code Filter.Chain.doFilter(HttpExchange)}, defined next to the {@code HttpExchange} type the
 * server uses ({@code HookTable}). The outermost chain call on the thread counts the request once, as a
 * servlet's first dispatch does; the chains nested in it (each filter calls the next) do not. Status:
 * what the exchange sent, -1 (outcome {@code UNKNOWN}) when the handler sent nothing; an exception before
 * the headers went out is a 500 (the server closes the connection). Route: the context's path, a
 * template the application registered, never the request's path.
 */
public final class HttpServerHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public HttpServerHook() {
    }

    @Override
    public int enter(Object exchange, Object unused) {
        return HttpNesting.enter(true, true);
    }

    @Override
    public void exit(int code, Object exchange, Object unused, Object returned, Throwable thrown) {
        try {
            if (HttpNesting.exit(code) == HttpNesting.RECORD) {
                HttpExchange x = (HttpExchange) exchange;
                int status = x.getResponseCode();
                HttpContext context = x.getHttpContext();
                Bridge.httpRequest(x.getRequestMethod(), status, status > 0, context == null ? null : context.getPath(),
                        thrown);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
