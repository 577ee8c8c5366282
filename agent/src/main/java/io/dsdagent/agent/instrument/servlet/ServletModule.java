package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.Advice;
import io.dsdagent.agent.instrument.http.HttpMetrics;
import io.dsdagent.agent.instrument.HookTable;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.InstrumentationModule;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code http.server.requests}: every javax and jakarta {@code Servlet.service}/{@code Filter.doFilter}
 * (the outermost entry of a request's first dispatch counts it) plus the containers' own entries for
 * requests no servlet sees: Tomcat's {@code StandardHostValve}, Jetty's {@code Server.handle} (12, and 9.4-11's
 * {@code handle(HttpChannel)}),
 * Undertow's {@code Connectors.executeRootHandler}. Everything is matched by name and descriptor, and
 * supertypes are read from class files; the agent has no servlet or container API on its class path.
 * The woven methods call the bridge, which runs the matching hook class ({@code *Hook}, compiled against
 * the API) defined next to the API copy the application uses ({@link HookTable}).
 */
public final class ServletModule implements InstrumentationModule {
    /** Hook class names as strings: loading them here would need the servlet API in the agent's loader. */
    private static final String PKG = "io.dsdagent.agent.instrument.servlet.";

    @Override
    public String name() {
        return "servlet";
    }

    @Override
    public String[] triggers(Config config) {
        List<String> t = new ArrayList<String>();
        for (String api : new String[] {"jakarta", "javax"}) {
            // service(ServletRequest, ServletResponse), doFilter(.., FilterChain), startAsync(req, resp)
            t.add("(L" + api + "/servlet/ServletRequest;L" + api + "/servlet/ServletResponse;*");
            t.add("()L" + api + "/servlet/AsyncContext;");
        }
        t.add(CLASS + TOMCAT_HOST_VALVE);
        t.add(CLASS + JETTY_SERVER);
        t.add(CLASS + UNDERTOW_CONNECTORS);
        t.add(CLASS + UNDERTOW_EXCHANGE);
        return t.toArray(new String[0]);
    }

    static final String TOMCAT_HOST_VALVE = "org/apache/catalina/core/StandardHostValve";
    static final String JETTY_SERVER = "org/eclipse/jetty/server/Server";
    static final String UNDERTOW_CONNECTORS = "io/undertow/server/Connectors";
    static final String UNDERTOW_EXCHANGE = "io/undertow/server/HttpServerExchange";

    @Override
    public Matcher prepare(Config config, AgentServices agent) {
        // the runtime side first: late attach runs woven code as soon as it is retransformed
        agent.routeHttp(new HttpMetrics(agent.registry, agent.recorder, agent.telemetry, config.httpType,
                config.httpMaxContexts));
        return new ServletMatcher();
    }

    /** Hook ids, fixed for the agent's life. */
    static final class ServletMatcher implements Matcher {
        final int jakartaServlet = HookTable.define(PKG + "JakartaServletHook", "jakarta.servlet.ServletRequest", HookTable.FROM_A);
        final int javaxServlet = HookTable.define(PKG + "JavaxServletHook", "javax.servlet.ServletRequest", HookTable.FROM_A);
        final int javax3Servlet = HookTable.define(PKG + "Javax3ServletHook", "javax.servlet.ServletRequest", HookTable.FROM_A);
        final int jakartaAsync = HookTable.define(PKG + "JakartaStartAsyncHook", "jakarta.servlet.AsyncContext", HookTable.FROM_RETURN);
        final int javaxAsync = HookTable.define(PKG + "JavaxStartAsyncHook", "javax.servlet.AsyncContext", HookTable.FROM_RETURN);
        final int jakartaValve = HookTable.define(PKG + "JakartaHostValveHook", "jakarta.servlet.ServletRequest", HookTable.FROM_A);
        final int javaxValve = HookTable.define(PKG + "JavaxHostValveHook", "javax.servlet.ServletRequest", HookTable.FROM_A);
        final int jetty = HookTable.define(PKG + "JettyServerHook", "org.eclipse.jetty.server.Request", HookTable.FROM_A);
        final int jettyChannel = HookTable.define(PKG + "JettyChannelHook", "org.eclipse.jetty.server.HttpChannel", HookTable.FROM_A);
        final int undertow = HookTable.define(PKG + "UndertowRootHook", "io.undertow.server.HttpServerExchange", HookTable.FROM_A);

        @Override
        public String[] annotations() {
            return new String[0];
        }

        @Override
        public boolean examines(ClassInfo c) {
            return c.loader != null; // no servlet container lives in the boot loader
        }

        @Override
        public Advice advice(ClassInfo c, MethodInfo m) {
            if (!m.hasCode() || m.isInitializer()) {
                return null;
            }
            boolean isStatic = m.is(Opcodes.ACC_STATIC);
            if (c.name.equals(JETTY_SERVER)) {
                if (isStatic || !m.name.equals("handle")) {
                    return null;
                }
                if (m.desc.equals("(Lorg/eclipse/jetty/server/HttpChannel;)V")) { // Jetty 9.4-11
                    return Advice.call(jettyChannel, true, true, false, 0, -1);
                }
                return m.desc.startsWith("(Lorg/eclipse/jetty/server/Request;") // Jetty 12
                        && m.desc.endsWith(")Z") && Type.getArgumentTypes(m.desc).length == 3
                        ? Advice.call(jetty, true, true, true, 0, 1) : null;
            }
            if (c.name.equals(UNDERTOW_CONNECTORS)) {
                return isStatic && m.name.equals("executeRootHandler")
                        && m.desc.endsWith(";Lio/undertow/server/HttpServerExchange;)V")
                        && Type.getArgumentTypes(m.desc).length == 2 ? Advice.call(undertow, true, true, false, 1, -1) : null;
            }
            if (c.name.equals(UNDERTOW_EXCHANGE)) {
                return !isStatic && m.name.equals("dispatch") ? Advice.bridgeOnEntry("httpHandedOff") : null;
            }
            if (c.name.equals(TOMCAT_HOST_VALVE)) {
                if (isStatic || !m.name.equals("invoke") || Type.getArgumentTypes(m.desc).length != 2) {
                    return null;
                }
                String arg0 = Type.getArgumentTypes(m.desc)[0].getInternalName();
                if (c.isAssignable(arg0, "jakarta/servlet/http/HttpServletRequest")) {
                    return Advice.call(jakartaValve, true, true, false, 0, 1);
                }
                return c.isAssignable(arg0, "javax/servlet/http/HttpServletRequest")
                        ? Advice.call(javaxValve, true, true, false, 0, 1) : null;
            }
            if (isStatic || c.isInterface()) {
                return null;
            }
            for (String api : new String[] {"jakarta", "javax"}) {
                String req = "(L" + api + "/servlet/ServletRequest;L" + api + "/servlet/ServletResponse;";
                boolean service = m.name.equals("service") && m.desc.equals(req + ")V");
                boolean entry = service
                        || m.name.equals("doFilter") && m.desc.equals(req + "L" + api + "/servlet/FilterChain;)V");
                // the type the method's name suggests first: a filter's hierarchy is climbed, and its
                // supertypes' class files read, only as far as Filter (the same answer, fewer reads)
                String first = api + (service ? "/servlet/Servlet" : "/servlet/Filter");
                String second = api + (service ? "/servlet/Filter" : "/servlet/Servlet");
                if (entry && (c.isSubtypeOf(first) || c.isSubtypeOf(second))
                        && c.loaderSees(api + "/servlet/Servlet.class")) {
                    int id = api.equals("jakarta") ? jakartaServlet
                            : c.loaderSees("javax/servlet/http/HttpServletMapping.class") ? javaxServlet : javax3Servlet;
                    return Advice.call(id, true, true, false, 0, 1);
                }
                if (m.name.equals("startAsync") && m.desc.endsWith(")L" + api + "/servlet/AsyncContext;")
                        && c.isSubtypeOf(api + "/servlet/ServletRequest")) {
                    return Advice.call(api.equals("jakarta") ? jakartaAsync : javaxAsync, false, true, true, -1, -1);
                }
            }
            return null;
        }
    }
}
