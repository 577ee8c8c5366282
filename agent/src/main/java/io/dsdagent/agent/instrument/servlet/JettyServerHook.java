package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Hook of Jetty 12's {@code Server.handle}: the container's entry for requests no servlet or filter sees
 * (no context matched: Jetty answers 404 when it returns false). Counts a request only if no
 * servlet/filter entry inside it did.
 */
public final class JettyServerHook extends Hook {
    /** Made by the hook table, once per API copy. */
    public JettyServerHook() {
    }

    @Override
    public int enter(Object request, Object response) {
        return HttpNesting.enter(true, true);
    }

    @Override
    public void exit(int code, Object request, Object response, Object returned, Throwable thrown) {
        try {
            if (HttpNesting.exit(code) == HttpNesting.RECORD) {
                Request req = (Request) request;
                Response resp = (Response) response;
                boolean handled = Boolean.TRUE.equals(returned);
                Bridge.httpRequest(req.getMethod(), handled || thrown != null ? resp.getStatus() : 404,
                        resp.isCommitted(), null, thrown);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
