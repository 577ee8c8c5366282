package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import io.undertow.server.HttpServerExchange;

/**
 * Hook of Undertow's {@code Connectors.executeRootHandler}: the container's entry for requests no servlet
 * or filter sees. Counts a request only if no servlet/filter entry inside it did, it was not dispatched
 * to another thread (which enters here again; {@code HttpServerExchange.dispatch} calls
 * {@code Bridge.httpHandedOff}) and its response is complete.
 */
public final class UndertowRootHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public UndertowRootHook() {
    }

    @Override
    public int enter(Object exchange, Object unused) {
        return HttpNesting.enter(true, true);
    }

    @Override
    public void exit(int code, Object exchange, Object unused, Object returned, Throwable thrown) {
        try {
            HttpServerExchange x = (HttpServerExchange) exchange;
            if (HttpNesting.exit(code) == HttpNesting.RECORD && x.isResponseComplete()) {
                Bridge.httpRequest(x.getRequestMethod().toString(), x.getStatusCode(), true, null, null);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
