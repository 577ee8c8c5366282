package io.dsdagent.agent.instrument;

/**
 * Where the bridge routes {@code http.server.requests} ({@code Bridge.httpRequest}): the one HTTP entry
 * every server instrumentation (servlet containers, the JDK's {@code httpserver}) feeds. Implementations
 * turn the tags into a bounded context and record without allocating once a combination has been seen,
 * and never throw.
 */
public interface HttpSink {
    /**
     * A request ended after {@code nanos}; {@code route} is a template or mapping, null when none is
     * known (never the raw path); {@code committed}: the response was already committed, so
     * {@code thrown} no longer makes it a 500.
     */
    void record(long nanos, String method, int status, boolean committed, String route, Throwable thrown);
}
