package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.agent.instrument.ExceptionTag;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code http.server.requests}: turns what the servlet advice saw (method, status, route, exception)
 * into a metric context and records the duration, in milliseconds, as one histogram (or timer or
 * distribution) value. There is no separate count: the Datadog Agent derives {@code .count} from it.
 *
 * <p>Tag combinations are resolved through a bounded open-addressing table built on first sight: a hit
 * compares a few ints and strings and allocates nothing. Tag values can come only from bounded sets
 * (standard methods else {@code _OTHER}, the application's own routes and exception classes, never the
 * raw path), and the table holds at most {@code DSD_AGENT_HTTP_MAX_CONTEXTS} combinations; requests
 * beyond it are recorded under {@code route:OVERFLOW} with their outcome only, so nothing a client
 * sends creates contexts at will and every request is still counted.
 */
public final class HttpMetrics {
    public static final String NAME = "http.server.requests";
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};
    static final String OTHER_METHOD = "_OTHER";
    static final String[] OUTCOMES = {"INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR", "SERVER_ERROR", "UNKNOWN"};

    private final Registry registry;
    private final Recorder recorder;
    private final int type;
    private final int cap;
    private final AtomicReferenceArray<Entry> table;
    private final int mask;
    private final int[] overflow = new int[OUTCOMES.length];
    private int size; // guarded by this

    /** One resolved tag combination; immutable, published through the table's volatile slots. */
    static final class Entry {
        final int methodIndex;
        final int status;
        final String route;
        final String exception;
        final int hash;
        final int id;

        Entry(int methodIndex, int status, String route, String exception, int hash, int id) {
            this.methodIndex = methodIndex;
            this.status = status;
            this.route = route;
            this.exception = exception;
            this.hash = hash;
            this.id = id;
        }
    }

    /** {@code type}: a {@link Registry} type (timer, histogram or distribution). */
    public HttpMetrics(Registry registry, Recorder recorder, int type, int maxContexts) {
        this.registry = registry;
        this.recorder = recorder;
        this.type = type == Registry.TIMER ? Registry.TIMER : type | Registry.NANOS;
        this.cap = maxContexts;
        int n = 16;
        while (n < maxContexts * 2) {
            n <<= 1;
        }
        this.table = new AtomicReferenceArray<Entry>(n);
        this.mask = n - 1;
        java.util.Arrays.fill(overflow, -2);
    }

    /** Records one request that took {@code nanos}. Never throws. */
    public void record(long nanos, String method, int status, boolean committed, String route, Throwable thrown) {
        int st = thrown != null && !committed ? 500 : status;
        int id = resolve(methodIndex(method), st, routeTag(route, st), thrown == null ? "none" : exceptionName(thrown));
        recorder.recordNanos(id, nanos < 0 ? 0 : nanos);
    }

    /** The context id for a tag combination, creating it on first sight. */
    int resolve(int methodIndex, int status, String route, String exception) {
        int h = hash(methodIndex, status, route, exception);
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            Entry e = table.get(i);
            if (e == null) {
                return create(methodIndex, status, route, exception, h);
            }
            if (e.hash == h && e.methodIndex == methodIndex && e.status == status && e.route.equals(route)
                    && e.exception.equals(exception)) {
                return e.id;
            }
        }
        return overflow(status);
    }

    private synchronized int create(int methodIndex, int status, String route, String exception, int h) {
        int i = h & mask;
        for (Entry e; (e = table.get(i)) != null; i = (i + 1) & mask) {
            if (e.hash == h && e.methodIndex == methodIndex && e.status == status && e.route.equals(route)
                    && e.exception.equals(exception)) {
                return e.id;
            }
        }
        if (size >= cap) {
            Log.warnOnce("http-cap", NAME + ": more than " + cap + " tag combinations; further ones are recorded"
                    + " as route:OVERFLOW; raise DSD_AGENT_HTTP_MAX_CONTEXTS");
            return overflow(status);
        }
        int id = registry.register(type, NAME,
                "method:" + (methodIndex < 0 ? OTHER_METHOD : METHODS[methodIndex]),
                "status:" + status, "outcome:" + OUTCOMES[outcomeIndex(status)], "route:" + route,
                "exception:" + exception);
        if (id < 0) {
            return overflow(status); // the global context cap: already counted and reported by the registry
        }
        table.set(i, new Entry(methodIndex, status, route, exception, h, id));
        size++;
        return id;
    }

    private int overflow(int status) {
        int o = outcomeIndex(status);
        int id = overflow[o];
        if (id == -2) {
            synchronized (this) {
                id = overflow[o];
                if (id == -2) {
                    id = registry.register(type, NAME, "outcome:" + OUTCOMES[o], "route:OVERFLOW");
                    overflow[o] = id;
                }
            }
        }
        return id;
    }

    private static int hash(int methodIndex, int status, String route, String exception) {
        int h = (methodIndex * 1009 + status) * 31 + route.hashCode();
        h = h * 31 + exception.hashCode();
        return h ^ (h >>> 16);
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

    /** The exception tag: the rule every instrumentation shares ({@link ExceptionTag}). */
    static String exceptionName(Throwable t) {
        return ExceptionTag.of(t.getClass());
    }
}
