package io.dsdagent.agent.instrument.httpserver;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.ClassMatcher;
import io.dsdagent.agent.instrument.Advice;
import io.dsdagent.agent.instrument.HookTable;
import io.dsdagent.agent.instrument.InstrumentationModule;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.http.HttpMetrics;
import org.objectweb.asm.Opcodes;

/**
 * {@code http.server.requests} for the JDK's own server, {@code com.sun.net.httpserver.HttpServer}.
 * Handlers are often lambdas (hidden classes, which cannot be woven) and need not share a type, so the
 * server's dispatch is woven instead: {@code Filter.Chain.doFilter(HttpExchange)}, through which every
 * request that reached a context passes, first for the user's filters and then, nested, for the
 * server's own and the handler. The outermost call on the thread counts the request
 * ({@link HttpServerHook}); the route is the context's path, the status what the exchange sent.
 *
 * <p>{@code jdk.httpserver} is a named module in the platform loader (JDK 9+): it gets a read edge to
 * the bridge ({@link #jdkModule}) and its package is let through the transformer's JDK filter
 * ({@link #jdkPackages}). Requests the server refuses before any context is found (404 "No context
 * found", malformed request lines) never reach a chain and are not counted.
 */
public final class HttpServerModule implements InstrumentationModule {
    static final String CHAIN = "com/sun/net/httpserver/Filter$Chain";

    @Override
    public String name() {
        return "httpserver";
    }

    @Override
    public String[] triggers(Config config) {
        return new String[] {CLASS + CHAIN};
    }

    @Override
    public String[] jdkPackages() {
        return new String[] {"com/sun/net/httpserver/"};
    }

    @Override
    public String jdkModule() {
        return "jdk.httpserver";
    }

    @Override
    public Matcher prepare(Config config, AgentServices agent) {
        // shared with the servlet instrumentation when both are on: one tag table, one context share
        agent.routeHttp(new HttpMetrics(agent.registry, agent.recorder, agent.telemetry, config.httpType,
                config.httpMaxContexts));
        final int hook = HookTable.define(HttpServerModule.class.getPackage().getName() + ".HttpServerHook",
                "com.sun.net.httpserver.HttpExchange", HookTable.FROM_A);
        return new ClassMatcher(CHAIN) {
            @Override
            public Advice advice(ClassInfo c, MethodInfo m) {
                return m.hasCode() && !m.is(Opcodes.ACC_STATIC) && m.name.equals("doFilter")
                        && m.desc.equals("(Lcom/sun/net/httpserver/HttpExchange;)V")
                        ? Advice.call(hook, true, true, false, 0, -1) : null;
            }
        };
    }
}
