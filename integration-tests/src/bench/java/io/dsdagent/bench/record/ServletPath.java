package io.dsdagent.bench.record;

import io.dsdagent.bench.Sink;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.lang.reflect.Proxy;

/**
 * The servlet path, measured whole, without a container: one call of an empty jakarta
 * {@code Servlet.service}, which the agent weaves as it weaves every servlet and filter entry (the
 * container hook's enter and exit through the bridge, the per-thread request state, the tag lookup in
 * {@code HttpMetrics} and the recording of one {@code http.server.requests} value). The request looks
 * like a Spring MVC {@code GET} that matched {@code /items/{id}} and answered 200, so the route comes
 * from the request attribute Spring sets, as in a Spring Boot application. Compare with
 * {@link TimedMethod}: both include their two clock reads.
 */
@Fork(jvmArgsAppend = "-javaagent:agent/target/dsd-agent.jar")
@State(Scope.Benchmark)
public class ServletPath {
    static final String METRIC = "http.server.requests";
    private static final String SPRING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";
    private Sink sink;
    private final EmptyServlet servlet = new EmptyServlet();
    private final ServletRequest request = new Request();
    private final ServletResponse response = new Response();

    /** The woven class: an application servlet that answers with nothing. */
    public static class EmptyServlet extends HttpServlet {
        @Override
        public void service(ServletRequest req, ServletResponse res) {
        }
    }

    /**
     * Only what the hook asks of a request; the wrapped request exists because the wrapper needs one,
     * and is never called.
     */
    static final class Request extends HttpServletRequestWrapper {
        Request() {
            super(unused(HttpServletRequest.class));
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public DispatcherType getDispatcherType() {
            return DispatcherType.REQUEST;
        }

        @Override
        public Object getAttribute(String name) {
            return SPRING_PATTERN.equals(name) ? "/items/{id}" : null;
        }
    }

    /** Only what the hook asks of a response: a committed 200. */
    static final class Response extends HttpServletResponseWrapper {
        Response() {
            super(unused(HttpServletResponse.class));
        }

        @Override
        public int getStatus() {
            return 200;
        }

        @Override
        public boolean isCommitted() {
            return true;
        }
    }

    private static <T> T unused(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            throw new UnsupportedOperationException(m.getName() + " is not part of the measured path");
        }));
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sink = new Sink(RecordBench.sinkPort(), METRIC);
    }

    @Benchmark
    @Threads(1)
    public void threads1() {
        servlet.service(request, response);
    }

    @Benchmark
    @Threads(2)
    public void threads2() {
        servlet.service(request, response);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        AgentFork.report(sink, "servlet request (http.server.requests)");
    }
}
