package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.instrument.ExceptionTag;
import io.dsdagent.agent.instrument.MethodSink;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.ContextRef;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The instrumented methods, by the int id their advice carries. Each method's metric contexts are
 * resolved when it is instrumented ({@code exception:none}, {@code result:success}) or, for an exception
 * type, the first time it is thrown; after that a call records through plain array reads and one
 * generation compare ({@link ContextRef}): no lookup by name, no allocation, no lock. A context evicted
 * while the method was idle registers again on the method's next call. A method keeps at most
 * {@value #MAX_EXCEPTION_TYPES} exception types; further ones share {@code exception:other}, counted in
 * {@link #otherExceptions()}.
 *
 * <p>Exception types are keyed by their binary name, never by {@code Class}: nothing here keeps an
 * application class or its loader reachable, and a webapp deployed again (a new loader, the same
 * exception class) keeps its exception tags. Entries are never removed: a class unloaded and loaded
 * again gets the same id (same plan, same key).
 */
public final class MethodTable implements MethodSink {
    static final int MAX_EXCEPTION_TYPES = 8;

    private final Registry registry;
    private final Recorder recorder;
    private final Telemetry telemetry;
    private final Map<String, Integer> ids = new HashMap<String, Integer>();
    private final AtomicLong otherExceptions = new AtomicLong();
    private volatile Entry[] entries = new Entry[64];
    private int size;

    public MethodTable(Registry registry, Recorder recorder, Telemetry telemetry) {
        this.registry = registry;
        this.recorder = recorder;
        this.telemetry = telemetry;
    }

    /** The id of {@code plan}, registering its contexts on first sight. Transform time only. */
    synchronized int idFor(MethodPlan plan) {
        String key = plan.key();
        Integer existing = ids.get(key);
        if (existing != null) {
            return existing;
        }
        int id = size;
        Entry[] e = entries;
        if (id == e.length) {
            Entry[] grown = new Entry[e.length * 2];
            System.arraycopy(e, 0, grown, 0, e.length);
            e = grown;
        }
        e[id] = new Entry(plan);
        entries = e; // publishes the entry before any advice can carry its id
        size = id + 1;
        ids.put(key, id);
        return id;
    }

    /** Calls that ended with an exception type beyond the per-method cap, tagged {@code exception:other}. */
    public long otherExceptions() {
        return otherExceptions.get();
    }

    /** Number of instrumented methods (distinct plans). */
    public synchronized int size() {
        return size;
    }

    @Override
    public void timed(int methodId, long nanos, Throwable thrown) {
        record(methodId, nanos, thrown);
    }

    @Override
    public void stage(int methodId, long startNanos, Object returned, Throwable thrown) {
        try {
            if (thrown == null && returned instanceof CompletionStage) {
                ((CompletionStage<?>) returned).whenComplete(new Completion(this, methodId, startNanos));
            } else {
                record(methodId, System.nanoTime() - startNanos, thrown);
            }
        } catch (Throwable t) {
            telemetry.adviceError();
        }
    }

    private void record(int methodId, long nanos, Throwable thrown) {
        try {
            Entry[] e = entries;
            Entry entry = methodId >= 0 && methodId < e.length ? e[methodId] : null;
            if (entry == null) {
                telemetry.drop(Telemetry.Drop.UNKNOWN_CONTEXT);
                return;
            }
            ContextRef timer;
            ContextRef counter;
            if (thrown == null) {
                timer = entry.timerNone;
                counter = entry.counterSuccess;
            } else {
                Class<?> type = thrown.getClass();
                String name = type.getName(); // cached by the class: no allocation
                Outcomes o = entry.outcomes(name, type);
                int i = o.indexOf(name);
                if (i == o.types.length - 1 && o.types[i] == null) {
                    otherExceptions.incrementAndGet();
                }
                timer = o.timers[i];
                counter = o.counters[i];
            }
            if (timer != null) {
                int slot = timer.slot();
                if (slot >= 0) {
                    recorder.recordNanos(slot, nanos);
                } else {
                    telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
                }
            }
            if (counter != null) {
                int slot = counter.slot();
                if (slot >= 0) {
                    recorder.count(slot, 1);
                } else {
                    telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
                }
            }
        } catch (Throwable t) {
            telemetry.adviceError();
        }
    }

    /** The exception tag value: the simple name Micrometer uses (a binary-name tail for anonymous classes). */

    /** One method's contexts. */
    final class Entry {
        final MethodPlan plan;
        /** Null when the method has no such context. */
        final ContextRef timerNone;
        final ContextRef counterSuccess;
        /** Copy-on-write; the last slot is {@code exception:other} (type null) once the cap is reached. */
        private volatile Outcomes outcomes = new Outcomes(new String[0], new ContextRef[0], new ContextRef[0]);

        Entry(MethodPlan plan) {
            this.plan = plan;
            this.timerNone = timer(plan, "none");
            this.counterSuccess = plan.counterName == null || plan.failuresOnly ? null : counter(plan, "success", "none");
        }

        /** Outcomes holding {@code name} (or the overflow slot): the current ones unless the type is new. */
        Outcomes outcomes(String name, Class<?> type) {
            Outcomes o = outcomes;
            if (o.indexOf(name) >= 0) {
                return o;
            }
            return add(name, type);
        }

        /** {@code type} only names the tag: it is not kept. */
        private synchronized Outcomes add(String name, Class<?> type) {
            Outcomes o = outcomes;
            if (o.indexOf(name) >= 0) {
                return o;
            }
            int n = o.types.length;
            String tag;
            String slotType;
            if (n < MAX_EXCEPTION_TYPES) {
                tag = ExceptionTag.of(type); // one rule with http.server.requests
                slotType = name;
            } else {
                tag = "other";
                slotType = null;
                Log.warnOnce("exception-cap-" + plan.className + "." + plan.methodName, plan.className + "."
                        + plan.methodName + " threw more than " + MAX_EXCEPTION_TYPES
                        + " exception types; further ones are tagged exception:other");
            }
            String[] types = new String[n + 1];
            ContextRef[] timers = new ContextRef[n + 1];
            ContextRef[] counters = new ContextRef[n + 1];
            System.arraycopy(o.types, 0, types, 0, n);
            System.arraycopy(o.timers, 0, timers, 0, n);
            System.arraycopy(o.counters, 0, counters, 0, n);
            types[n] = slotType;
            timers[n] = timer(plan, tag);
            counters[n] = plan.counterName == null ? null : counter(plan, "failure", tag);
            Outcomes grown = new Outcomes(types, timers, counters);
            outcomes = grown;
            return grown;
        }
    }

    private ContextRef timer(MethodPlan plan, String exception) {
        if (plan.timerName == null) {
            return null;
        }
        return new ContextRef(registry, Source.METHODS, plan.timerType, plan.timerName,
                with(plan.timerTags, "exception:" + exception));
    }

    private ContextRef counter(MethodPlan plan, String result, String exception) {
        return new ContextRef(registry, Source.METHODS, Registry.COUNT, plan.counterName,
                with(plan.counterTags, "result:" + result, "exception:" + exception));
    }

    private static String[] with(String[] tags, String... more) {
        String[] out = new String[tags.length + more.length];
        System.arraycopy(tags, 0, out, 0, tags.length);
        System.arraycopy(more, 0, out, tags.length, more.length);
        return out;
    }

    /** Exception types (binary names) seen by one method and their contexts; immutable. */
    static final class Outcomes {
        final String[] types;
        final ContextRef[] timers;
        final ContextRef[] counters;

        Outcomes(String[] types, ContextRef[] timers, ContextRef[] counters) {
            this.types = types;
            this.timers = timers;
            this.counters = counters;
        }

        /** Index of the type named {@code name}, else of the overflow slot if the cap is reached, else -1. */
        int indexOf(String name) {
            String[] t = types;
            for (int i = 0; i < t.length; i++) {
                if (t[i] == name || name.equals(t[i])) {
                    return i;
                }
            }
            return t.length > MAX_EXCEPTION_TYPES ? MAX_EXCEPTION_TYPES : -1;
        }
    }

    /** Records a {@code CompletionStage}-returning call when the stage completes: the one allocation. */
    static final class Completion implements BiConsumer<Object, Throwable> {
        private final MethodTable table;
        private final int id;
        private final long start;

        Completion(MethodTable table, int id, long start) {
            this.table = table;
            this.id = id;
            this.start = start;
        }

        @Override
        public void accept(Object value, Throwable thrown) {
            table.record(id, System.nanoTime() - start, unwrap(thrown));
        }

        private static Throwable unwrap(Throwable t) {
            if ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
                return t.getCause();
            }
            return t;
        }
    }
}
