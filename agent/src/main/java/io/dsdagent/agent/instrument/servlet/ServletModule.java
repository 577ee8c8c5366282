package io.dsdagent.agent.instrument.servlet;

import java.util.ArrayList;
import java.util.List;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.Module;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.Map;
import java.util.WeakHashMap;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code http.server.requests}: every javax and jakarta {@code Servlet.service}/{@code Filter.doFilter}
 * (the outermost entry of a request's first dispatch counts it) plus the containers' own entries for
 * requests no servlet sees: Tomcat's {@code StandardHostValve}, Jetty 12's {@code Server.handle},
 * Undertow's {@code Connectors.executeRootHandler}. Everything is matched by name; the agent has no
 * servlet or container API on its class path (the advice is compiled against them and inlined).
 * Advice and listener classes are named by string: loading them in the agent's loader would need
 * those APIs.
 */
public final class ServletModule implements Module {
    private static final String PKG = AsyncListeners.PKG;

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
        t.add(CLASS + "org/apache/catalina/core/StandardHostValve");
        t.add(CLASS + "org/eclipse/jetty/server/Server");
        t.add(CLASS + "io/undertow/server/Connectors");
        t.add(CLASS + "io/undertow/server/HttpServerExchange");
        return t.toArray(new String[0]);
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent) {
        ClassLoader own = ServletModule.class.getClassLoader();
        return builder
                .type(servletOrFilter("jakarta"), new HasResource("jakarta/servlet/Servlet.class"))
                .transform(advice(own).advice(entry("jakarta"), PKG + "JakartaServletAdvice"))
                .type(servletOrFilter("javax"), new HasResource("javax/servlet/http/HttpServletMapping.class"))
                .transform(advice(own).advice(entry("javax"), PKG + "JavaxServletAdvice"))
                .type(servletOrFilter("javax"), new HasResource("javax/servlet/Servlet.class")
                        .and(not(new HasResource("javax/servlet/http/HttpServletMapping.class"))))
                .transform(advice(own).advice(entry("javax"), PKG + "Javax3ServletAdvice"))
                .type(startAsyncOwner("jakarta"), new HasResource("jakarta/servlet/Servlet.class"))
                .transform(advice(own).advice(startAsync("jakarta"), PKG + "JakartaStartAsyncAdvice"))
                .type(startAsyncOwner("javax"), new HasResource("javax/servlet/Servlet.class"))
                .transform(advice(own).advice(startAsync("javax"), PKG + "JavaxStartAsyncAdvice"))
                .type(named("org.apache.catalina.core.StandardHostValve"))
                .transform(advice(own)
                        .advice(hostValveInvoke("jakarta"), PKG + "JakartaHostValveAdvice")
                        .advice(hostValveInvoke("javax"), PKG + "JavaxHostValveAdvice"))
                .type(named("org.eclipse.jetty.server.Server"))
                .transform(advice(own).advice(named("handle").and(takesArguments(3)).and(returns(boolean.class))
                        .and(takesArgument(0, named("org.eclipse.jetty.server.Request"))), PKG + "JettyServerAdvice"))
                .type(named("io.undertow.server.Connectors"))
                .transform(advice(own).advice(named("executeRootHandler").and(isStatic()).and(takesArguments(2))
                        .and(takesArgument(1, named("io.undertow.server.HttpServerExchange"))), PKG + "UndertowRootAdvice"))
                .type(named("io.undertow.server.HttpServerExchange"))
                .transform(advice(own).advice(named("dispatch").and(not(isStatic())), PKG + "UndertowRootAdvice$Dispatch"));
    }

    private static AgentBuilder.Transformer.ForAdvice advice(ClassLoader own) {
        // the advice classes live in the agent jar; the instrumented class's loader may not see it
        return new AgentBuilder.Transformer.ForAdvice().include(own);
    }

    private static ElementMatcher.Junction<net.bytebuddy.description.type.TypeDescription> servletOrFilter(String api) {
        // declaring an entry method is cheap to check (the class itself); the hierarchy walk comes last
        return not(isInterface()).and(declaresMethod(entry(api)))
                .and(hasSuperType(named(api + ".servlet.Servlet").or(named(api + ".servlet.Filter"))));
    }

    private static ElementMatcher.Junction<net.bytebuddy.description.type.TypeDescription> startAsyncOwner(String api) {
        return not(isInterface()).and(declaresMethod(startAsync(api)))
                .and(hasSuperType(named(api + ".servlet.ServletRequest")));
    }

    private static ElementMatcher.Junction<MethodDescription> startAsync(String api) {
        return named("startAsync").and(not(isAbstract())).and(not(isStatic()))
                .and(returns(named(api + ".servlet.AsyncContext")));
    }

    /** {@code service(ServletRequest, ServletResponse)} or {@code doFilter(ServletRequest, ServletResponse, FilterChain)}. */
    private static ElementMatcher.Junction<MethodDescription> entry(String api) {
        ElementMatcher.Junction<MethodDescription> twoArgs = takesArgument(0, named(api + ".servlet.ServletRequest"))
                .and(takesArgument(1, named(api + ".servlet.ServletResponse")));
        return not(isAbstract()).and(not(isStatic())).and(twoArgs).and(
                named("service").and(takesArguments(2))
                        .or(named("doFilter").and(takesArguments(3))
                                .and(takesArgument(2, named(api + ".servlet.FilterChain")))));
    }

    private static ElementMatcher.Junction<MethodDescription> hostValveInvoke(String api) {
        return named("invoke").and(takesArguments(2))
                .and(takesArgument(0, hasSuperType(named(api + ".servlet.http.HttpServletRequest"))));
    }

    /** A class loader that can see a resource (the servlet API); answers cached, loaders held weakly. */
    static final class HasResource extends ElementMatcher.Junction.AbstractBase<ClassLoader> {
        private final String resource;
        private final Map<ClassLoader, Boolean> seen = new WeakHashMap<ClassLoader, Boolean>();

        HasResource(String resource) {
            this.resource = resource;
        }

        @Override
        public boolean matches(ClassLoader loader) {
            if (loader == null) {
                return false;
            }
            synchronized (seen) {
                Boolean b = seen.get(loader);
                if (b == null) {
                    b = loader.getResource(resource) != null;
                    seen.put(loader, b);
                }
                return b;
            }
        }
    }
}
