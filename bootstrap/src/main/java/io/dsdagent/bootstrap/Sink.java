package io.dsdagent.bootstrap;

/**
 * What the agent plugs into the {@link Bridge}: implemented by the agent's {@code instrument.BridgeSink},
 * which routes each call to the recorder, the method table, the HTTP metrics or the container hooks.
 * Every method must
 * return quickly, never block, never throw and (apart from {@code register*}, {@code event} and
 * {@code serviceCheck}) never allocate in steady state.
 */
public interface Sink {
    /**
     * Metric types, as DogStatsD names them: c g ms h d s. The one definition: the API facade compiles
     * them in (constants, so it never links to this class) and the agent's registry uses the same.
     */
    int COUNT = 0;
    int GAUGE = 1;
    int TIMER = 2;
    int HISTOGRAM = 3;
    int DISTRIBUTION = 4;
    int SET = 5;

    /**
     * Resolves a metric identity to an id that stays valid for good (the context is never evicted): for
     * handles of an API jar that cannot register again. -1 if it cannot be registered (cap reached, bad input).
     */
    int register(int type, String name, String[] tags);

    /**
     * Resolves a metric identity for a handle that can register again: the context may be evicted when
     * idle, and the handle then learns so from a {@code try*} call. -1 if refused (cap reached). The
     * defaults here serve a sink that never evicts: they fall back to the older entries.
     */
    default int resolve(int type, String name, String[] tags) {
        return register(type, name, tags);
    }

    /** What a {@code try*} call returns: the sample was taken (recorded, or dropped and counted). */
    int TAKEN = 0;
    /** The id is no longer live (evicted), or was refused and there is room now: resolve again and retry. */
    int STALE = 1;

    /** As {@link #count}, for an id from {@link #resolve}: {@link #TAKEN} or {@link #STALE}. */
    default int tryCount(int id, long delta) {
        count(id, delta);
        return TAKEN;
    }

    /** As {@link #gauge}, for an id from {@link #resolve}. */
    default int tryGauge(int id, double value) {
        gauge(id, value);
        return TAKEN;
    }

    /** As {@link #recordNanos}, for an id from {@link #resolve}. */
    default int tryRecordNanos(int id, long nanos) {
        recordNanos(id, nanos);
        return TAKEN;
    }

    /** As {@link #record}, for an id from {@link #resolve}. */
    default int tryRecord(int id, double value) {
        record(id, value);
        return TAKEN;
    }

    /** As {@link #setAdd}, for an id from {@link #resolve}. */
    default int trySetAdd(int id, String member) {
        setAdd(id, member);
        return TAKEN;
    }

    void count(int id, long delta);

    void gauge(int id, double value);

    void recordNanos(int id, long nanos);

    void record(int id, double value);

    void setAdd(int id, String member);

    void event(String title, String text, long timestampSeconds, String hostname, String aggregationKey,
               String priority, String sourceType, String alertType, String[] tags);

    void serviceCheck(String name, int status, long timestampSeconds, String hostname, String message,
                      String[] tags);

    /** A timed method returned or threw; {@code methodId} was resolved at transform time. */
    void methodTimed(int methodId, long nanos, Throwable thrown);

    /**
     * A timed method returned {@code returned} (or threw {@code thrown}); a {@code CompletionStage} is
     * timed from {@code startNanos} until it completes (one callback allocated), anything else now.
     */
    void methodStage(int methodId, long startNanos, Object returned, Throwable thrown);

    /**
     * An HTTP server request ended ({@code http.server.requests}): {@code nanos} since its outermost
     * entry. Must not allocate once the tag combination has been seen.
     */
    void httpRequest(long nanos, String method, int status, boolean committed, String route, Throwable thrown);

    /** Advice caught its own failure; counted as telemetry and never rethrown. */
    void adviceError(Throwable error);

    /** Enter of container hook {@code hook} (see {@link Bridge#hookEnter}); returns the code its exit gets. */
    default int hookEnter(int hook, Object a, Object b) {
        return 0;
    }

    /** Exit of container hook {@code hook} (see {@link Bridge#hookExit}). */
    default void hookExit(int hook, int code, Object a, Object b, Object returned, Throwable thrown) {
    }
}
