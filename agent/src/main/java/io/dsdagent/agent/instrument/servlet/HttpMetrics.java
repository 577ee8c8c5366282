package io.dsdagent.agent.instrument.servlet;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextRef;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code http.server.requests}: turns what the servlet advice saw (method, status, route, exception)
 * into a metric context and records the duration, in milliseconds, as one histogram (or timer or
 * distribution) value. There is no separate count: the Datadog Agent derives {@code .count} from it.
 *
 * <p>Tag combinations are resolved through a bounded open-addressing table built on first sight: a hit
 * compares a few ints and strings and allocates nothing. Tag values can come only from bounded sets
 * (standard methods else {@code _OTHER}, the application's own routes and exception classes, never the
 * raw path), and the table holds at most {@code DSD_AGENT_HTTP_MAX_CONTEXTS} live combinations; requests
 * beyond it are recorded under {@code route:OVERFLOW} with their outcome only, so nothing a client
 * sends creates contexts at will and every request is still counted. A combination whose context the
 * registry evicted (idle) registers again when seen again, and leaves the table when the table is full.
 */
public final class HttpMetrics {
    public static final String NAME = "http.server.requests";
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"};
    static final String OTHER_METHOD = "_OTHER";
    static final String[] OUTCOMES = {"INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR", "SERVER_ERROR", "UNKNOWN"};

    private final Registry registry;
    private final Recorder recorder;
    private final Telemetry telemetry;
    private final int type;
    private final int cap;
    private volatile AtomicReferenceArray<Entry> table;
    private final int mask;
    private final AtomicReferenceArray<ContextRef> overflow = new AtomicReferenceArray<ContextRef>(OUTCOMES.length);
    private int size; // guarded by this
    private long evictionsAtSweep = -1; // guarded by this
    private final AsyncListeners listeners = new AsyncListeners();

    /** One tag combination and its context; immutable, published through the table's volatile slots. */
    static final class Entry {
        final int methodIndex;
        final int status;
        final String route;
        final String exception;
        final int hash;
        final ContextRef context;

        Entry(int methodIndex, int status, String route, String exception, int hash, ContextRef context) {
            this.methodIndex = methodIndex;
            this.status = status;
            this.route = route;
            this.exception = exception;
            this.hash = hash;
            this.context = context;
        }

        boolean is(int methodIndex, int status, String route, String exception, int h) {
            return hash == h && this.methodIndex == methodIndex && this.status == status && this.route.equals(route)
                    && this.exception.equals(exception);
        }
    }

    /** {@code type}: a {@link Registry} type (timer, histogram or distribution). */
    public HttpMetrics(Registry registry, Recorder recorder, Telemetry telemetry, int type, int maxContexts) {
        this.registry = registry;
        this.recorder = recorder;
        this.telemetry = telemetry;
        this.type = type == Registry.TIMER ? Registry.TIMER : type | Registry.NANOS;
        this.cap = maxContexts;
        int n = 16;
        while (n < maxContexts * 2) {
            n <<= 1;
        }
        this.table = new AtomicReferenceArray<Entry>(n);
        this.mask = n - 1;
    }

    /** Records one request that took {@code nanos}. Never throws. */
    public void record(long nanos, String method, int status, boolean committed, String route, Throwable thrown) {
        int st = thrown != null && !committed ? 500 : status;
        int slot = resolve(methodIndex(method), st, routeTag(route, st), thrown == null ? "none" : exceptionName(thrown));
        if (slot >= 0) {
            recorder.recordNanos(slot, nanos < 0 ? 0 : nanos);
        } else {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP); // even route:OVERFLOW was refused by the context cap
        }
    }

    /** A completion listener for an async request (see {@link AsyncListeners}); null if none can be made. */
    public Object asyncListener(Class<?> listenerType, long startNanos, String route) throws Throwable {
        return listeners.create(listenerType, startNanos, route);
    }

    /**
     * The slot to record a tag combination into, creating its context on first sight and registering it
     * again if it was evicted; the {@code route:OVERFLOW} context when the table is full or the cap
     * refuses; -1 if even that is refused.
     */
    int resolve(int methodIndex, int status, String route, String exception) {
        int h = hash(methodIndex, status, route, exception);
        AtomicReferenceArray<Entry> t = table;
        for (int i = h & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
            Entry e = t.get(i);
            if (e == null) {
                return create(methodIndex, status, route, exception, h);
            }
            if (e.is(methodIndex, status, route, exception, h)) {
                int slot = e.context.slot();
                return slot >= 0 ? slot : overflow(status);
            }
        }
        return overflow(status);
    }

    private synchronized int create(int methodIndex, int status, String route, String exception, int h) {
        int i = find(table, methodIndex, status, route, exception, h);
        Entry e = table.get(i);
        if (e != null) {
            int slot = e.context.slot();
            return slot >= 0 ? slot : overflow(status);
        }
        if (size >= cap && sweep()) {
            i = find(table, methodIndex, status, route, exception, h);
        }
        if (size >= cap) {
            Log.warnOnce("http-cap", NAME + ": more than " + cap + " live tag combinations; further ones are recorded"
                    + " as route:OVERFLOW; raise DSD_AGENT_HTTP_MAX_CONTEXTS");
            return overflow(status);
        }
        ContextRef c = new ContextRef(registry, Source.HTTP, type, NAME,
                "method:" + (methodIndex < 0 ? OTHER_METHOD : METHODS[methodIndex]),
                "status:" + status, "outcome:" + OUTCOMES[outcomeIndex(status)], "route:" + route,
                "exception:" + exception);
        int slot = c.slot();
        if (slot < 0) {
            return overflow(status); // the context cap: its warning is the registry's
        }
        table.set(i, new Entry(methodIndex, status, route, exception, h, c));
        size++;
        return slot;
    }

    /** The slot holding this combination, or the empty slot where it goes. */
    private int find(AtomicReferenceArray<Entry> t, int methodIndex, int status, String route, String exception, int h) {
        int i = h & mask;
        for (Entry e; (e = t.get(i)) != null && !e.is(methodIndex, status, route, exception, h); i = (i + 1) & mask) {
            // probe on
        }
        return i;
    }

    /**
     * The table is full: drops the combinations whose context was evicted (they come back when seen
     * again), so the table follows the live rule of the registry. Runs only when contexts were evicted
     * since the last sweep; returns whether it ran.
     */
    private boolean sweep() {
        long ev = registry.evictions();
        if (ev == evictionsAtSweep) {
            return false;
        }
        evictionsAtSweep = ev;
        AtomicReferenceArray<Entry> old = table;
        AtomicReferenceArray<Entry> fresh = new AtomicReferenceArray<Entry>(old.length());
        int kept = 0;
        for (int j = 0; j < old.length(); j++) {
            Entry e = old.get(j);
            if (e != null && registry.live(e.context.id()) >= 0) {
                fresh.set(find(fresh, e.methodIndex, e.status, e.route, e.exception, e.hash), e);
                kept++;
            }
        }
        table = fresh;
        size = kept;
        return true;
    }

    private int overflow(int status) {
        int o = outcomeIndex(status);
        ContextRef c = overflow.get(o);
        if (c == null) {
            synchronized (this) {
                c = overflow.get(o);
                if (c == null) {
                    c = new ContextRef(registry, Source.HTTP, type, NAME, "outcome:" + OUTCOMES[o], "route:OVERFLOW");
                    overflow.set(o, c);
                }
            }
        }
        return c.slot();
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

    /** Simple class name as Micrometer tags it; the full name for anonymous classes. */
    static String exceptionName(Throwable t) {
        Class<?> c = t.getClass();
        String s = c.getSimpleName();
        return s.isEmpty() ? c.getName() : s;
    }
}
