package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.bootstrap.Bridge;
import io.dsdagent.bootstrap.Hook;
import io.dsdagent.bootstrap.HttpNesting;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Hook of Jetty 9.4-11's {@code Server.handle(HttpChannel)}: the container's entry for requests no servlet or
 * filter sees (a path outside every context: nothing marks the request handled and Jetty answers 404 after
 * the call). Counts a request only if no servlet/filter entry inside it did. Those Jetty versions share the
 * method but not the servlet API (javax or jakarta), so this hook reaches the request and response through
 * Jetty's own classes, looked up once per Jetty copy from the loader it is defined next to.
 */
public final class JettyChannelHook extends Hook {
    private static final MethodHandle REQUEST;
    private static final MethodHandle RESPONSE;
    private static final MethodHandle HANDLED;
    private static final MethodHandle METHOD;
    private static final MethodHandle STATUS;
    private static final MethodHandle COMMITTED;

    static {
        MethodHandle[] h = new MethodHandle[6];
        try {
            ClassLoader l = JettyChannelHook.class.getClassLoader();
            Class<?> channel = Class.forName("org.eclipse.jetty.server.HttpChannel", false, l);
            Class<?> request = Class.forName("org.eclipse.jetty.server.Request", false, l);
            Class<?> response = Class.forName("org.eclipse.jetty.server.Response", false, l);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            h[0] = getter(lookup, channel, "getRequest", request);
            h[1] = getter(lookup, channel, "getResponse", response);
            h[2] = getter(lookup, request, "isHandled", boolean.class);
            h[3] = getter(lookup, request, "getMethod", String.class);
            h[4] = getter(lookup, response, "getStatus", int.class);
            h[5] = getter(lookup, response, "isCommitted", boolean.class);
        } catch (Throwable t) {
            Bridge.adviceError(t);
            h = new MethodHandle[6];
        }
        REQUEST = h[0];
        RESPONSE = h[1];
        HANDLED = h[2];
        METHOD = h[3];
        STATUS = h[4];
        COMMITTED = h[5];
    }

    /** Made by the hook table, once per API copy. */
    public JettyChannelHook() {
    }

    /** {@code owner.name()} as a handle taking an {@code Object} and returning {@code type} (Object if a reference). */
    private static MethodHandle getter(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type)
            throws ReflectiveOperationException {
        MethodHandle m = lookup.findVirtual(owner, name, MethodType.methodType(type));
        return m.asType(MethodType.methodType(type.isPrimitive() ? type : Object.class, Object.class));
    }

    @Override
    public int enter(Object channel, Object unused) {
        return COMMITTED == null ? HttpNesting.UNTRACKED : HttpNesting.enter(true, true);
    }

    @Override
    public void exit(int code, Object channel, Object unused, Object returned, Throwable thrown) {
        try {
            if (HttpNesting.exit(code) == HttpNesting.RECORD) {
                Object req = (Object) REQUEST.invokeExact(channel);
                Object resp = (Object) RESPONSE.invokeExact(channel);
                boolean handled = (boolean) HANDLED.invokeExact(req);
                Object method = (Object) METHOD.invokeExact(req);
                int status = handled || thrown != null ? (int) STATUS.invokeExact(resp) : 404;
                Bridge.httpRequest((String) method, status, (boolean) COMMITTED.invokeExact(resp), null, thrown);
            }
        } catch (Throwable t) {
            Bridge.adviceError(t);
        }
    }
}
