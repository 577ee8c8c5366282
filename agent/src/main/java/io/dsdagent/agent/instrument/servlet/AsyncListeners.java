package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.agent.instrument.HookTable;
import io.dsdagent.agent.log.Log;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Makes the completion listener of an async request. The listener must implement the container's own
 * {@code AsyncListener} (javax or jakarta, from whichever loader the container has it), so its class
 * is defined once per such interface in a small child loader of that interface's loader, from the
 * bytes in the agent jar; its constructor handle is cached. Per request: one listener object.
 *
 * <pre>
 *   boot loader:        io.dsdagent.agent.bridge.*   (Bridge, which the listener calls)
 *        ^
 *   container's loader: javax|jakarta.servlet.AsyncListener
 *        ^
 *   HookLoader:         JakartaAsyncListener / JavaxAsyncListener / Javax3AsyncListener (from the agent jar)
 * </pre>
 */
public final class AsyncListeners {
    /** Listener class names as strings: loading them here would need the servlet API in the agent's loader. */
    static final String PKG = "io.dsdagent.agent.instrument.servlet.";
    private static final MethodType CTOR = MethodType.methodType(void.class, long.class, String.class);
    private static final MethodType FACTORY = MethodType.methodType(Object.class, long.class, String.class);

    private final ClassValue<MethodHandle> factories = new ClassValue<MethodHandle>() {
        @Override
        protected MethodHandle computeValue(Class<?> listenerType) {
            try {
                return define(listenerType);
            } catch (Throwable t) {
                Log.warnOnce("async-listener-" + listenerType.getName(), "async requests of " + listenerType.getName()
                        + " (loader " + listenerType.getClassLoader() + ") are not measured: " + t);
                return null;
            }
        }
    };

    /** A new listener implementing {@code listenerType}, started at {@code startNanos}, with the route known so far; null if none can be made. */
    public Object create(Class<?> listenerType, long startNanos, String route) throws Throwable {
        MethodHandle mh = factories.get(listenerType);
        return mh == null ? null : (Object) mh.invokeExact(startNanos, route);
    }

    private static MethodHandle define(Class<?> listenerType) throws Exception {
        String impl;
        if (listenerType.getName().equals("jakarta.servlet.AsyncListener")) {
            impl = PKG + "JakartaAsyncListener";
        } else if (listenerType.getName().equals("javax.servlet.AsyncListener")) {
            impl = PKG + (hasMappingApi(listenerType) ? "JavaxAsyncListener" : "Javax3AsyncListener");
        } else {
            throw new IllegalArgumentException("not a servlet AsyncListener: " + listenerType.getName());
        }
        Class<?> c = HookTable.HookLoader.define(listenerType.getClassLoader(), impl);
        return MethodHandles.publicLookup().findConstructor(c, CTOR).asType(FACTORY);
    }

    static boolean hasMappingApi(Class<?> listenerType) {
        ClassLoader l = listenerType.getClassLoader();
        String res = "javax/servlet/http/HttpServletMapping.class";
        return l == null ? ClassLoader.getSystemResource(res) != null : l.getResource(res) != null;
    }
}
