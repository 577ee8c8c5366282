package io.dsdagent.agent.instrument.http;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextRef;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;

import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.dsdagent.agent.instrument.http.HttpMetrics.METHODS;
import static io.dsdagent.agent.instrument.http.HttpMetrics.NAME;
import static io.dsdagent.agent.instrument.http.HttpMetrics.OTHER_METHOD;
import static io.dsdagent.agent.instrument.http.HttpMetrics.OUTCOMES;
import static io.dsdagent.agent.instrument.http.HttpMetrics.outcomeIndex;

/**
 * The tag combinations of {@code http.server.requests} and their contexts: a bounded open-addressing
 * table built on first sight, where a hit compares a few ints and strings, checks its context's
 * generation and allocates nothing. It holds at most {@code DSD_AGENT_HTTP_MAX_CONTEXTS} live
 * combinations: one whose context the registry evicted (idle) registers again when seen again, and
 * leaves the table when the table is full ({@link #sweep}). Beyond the bound, and when the context cap
 * refuses, requests go to {@code route:OVERFLOW} by outcome. Holds strings only, never a class.
 */
final class HttpTagTable {
    private final Registry registry;
    private final int type;
    private final int cap;
    private volatile AtomicReferenceArray<Entry> table;
    private final int mask;
    private final AtomicReferenceArray<ContextRef> overflow = new AtomicReferenceArray<ContextRef>(OUTCOMES.length);
    private int size; // guarded by this
    private long evictionsAtSweep = -1; // guarded by this

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

    /** {@code type}: the registry type of the contexts (nanos flag included). */
    HttpTagTable(Registry registry, int type, int maxContexts) {
        this.registry = registry;
        this.type = type;
        this.cap = maxContexts;
        int n = 16;
        while (n < maxContexts * 2) {
            n <<= 1;
        }
        this.table = new AtomicReferenceArray<Entry>(n);
        this.mask = n - 1;
    }

    /**
     * The slot to record a tag combination into, creating its context on first sight and registering it
     * again if it was evicted; the {@code route:OVERFLOW} context when the table is full or the cap
     * refuses; -1 if even that is refused.
     */
    int slot(int methodIndex, int status, String route, String exception) {
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
}
