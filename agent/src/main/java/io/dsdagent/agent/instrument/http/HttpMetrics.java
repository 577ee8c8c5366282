package io.dsdagent.agent.instrument.http;

import io.dsdagent.agent.instrument.ExceptionTag;
import io.dsdagent.agent.instrument.HttpSink;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;

/**
 * {@code http.server.requests}: turns what an HTTP server instrumentation saw (method, status, route, exception)
 * into a metric context and records the duration, in milliseconds, as one histogram (or timer or
 * distribution) value. There is no separate count: the Datadog Agent derives {@code .count} from it.
 *
 * <p>Tag values can come only from bounded sets (standard methods else {@code _OTHER}, the
 * application's own routes and exception classes, never the raw path), and {@link HttpTagTable} holds at
 * most {@code DSD_AGENT_HTTP_MAX_CONTEXTS} live combinations; requests beyond it are recorded under
 * {@code route:OVERFLOW} with their outcome only, so nothing a client sends creates contexts at will and
 * every request is still counted.
 */
public final class HttpMetrics implements HttpSink {
    public static final String NAME = "http.server.requests";
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};
    static final String OTHER_METHOD = "_OTHER";
    static final String[] OUTCOMES = {"INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR", "SERVER_ERROR", "UNKNOWN"};

    private final Recorder recorder;
    private final Telemetry telemetry;
    private final HttpTagTable tags;

    /** {@code type}: a {@link Registry} type (timer, histogram or distribution). */
    public HttpMetrics(Registry registry, Recorder recorder, Telemetry telemetry, int type, int maxContexts) {
        this.recorder = recorder;
        this.telemetry = telemetry;
        this.tags = new HttpTagTable(registry, type == Registry.TIMER ? Registry.TIMER : type | Registry.NANOS,
                maxContexts);
    }

    /** Records one request that took {@code nanos}. Never throws. */
    @Override
    public void record(long nanos, String method, int status, boolean committed, String route, Throwable thrown) {
        int st = thrown != null && !committed ? 500 : status;
        int slot = resolve(methodIndex(method), st, routeTag(route, st), thrown == null ? "none" : ExceptionTag.of(thrown.getClass()));
        if (slot >= 0) {
            recorder.recordNanos(slot, nanos < 0 ? 0 : nanos);
        } else {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // even route:OVERFLOW was refused by the context cap
        }
    }

    /** The slot for a tag combination (see {@link HttpTagTable#slot}). */
    int resolve(int methodIndex, int status, String route, String exception) {
        return tags.slot(methodIndex, status, route, exception);
    }

    /** Index into {@link #METHODS}, -1 for anything else ({@code _OTHER}). */
    static int methodIndex(String method) {
        if (method != null) {
            for (int i = 0; i < METHODS.length; i++) {
                if (METHODS[i].equals(method)) {
                    return i;
                }
            }
        }
        return -1;
    }

    static int outcomeIndex(int status) {
        if (status >= 100 && status < 600) {
            return status / 100 - 1;
        }
        return 5;
    }

    /** The route tag: the template or mapping when known, else by status as Spring names it; never the path. */
    static String routeTag(String route, int status) {
        // "/**" is Spring Boot's static-resource catch-all: it names no route, and on a 404 it would
        // hide the scanner floods NOT_FOUND exists to show
        if (route != null && !route.isEmpty() && !(status == 404 && route.equals("/**"))) {
            return route;
        }
        if (status == 404) {
            return "NOT_FOUND";
        }
        if (status >= 300 && status < 400) {
            return "REDIRECTION";
        }
        return "UNKNOWN";
    }
}
