package io.dsdagent.api;

/**
 * The only methods of the API the agent instruments. Each is a no-op here; with the agent attached,
 * the agent's api instrumentation ({@code instrument.api.ApiModule}) replaces each body with a call to
 * the bridge method of the same name and descriptor. Keeping the
 * wired surface to these few static methods means an application compiled against a newer copy of
 * this jar (with methods the agent does not know) keeps working: the unknown ones stay no-ops.
 * Not part of the public API.
 *
 * <p>These are the API stubs (the weaver's {@code REPLACE} advice), not "hooks" in the agent's sense
 * (container hook classes); the class keeps its old name because older API jars have it and
 * {@code ApiModule} matches it by name.
 */
final class Hooks {
    private Hooks() {
    }

    /** What a {@code try*} stub returns: the agent took the sample (recorded, or dropped and counted). */
    static final int TAKEN = io.dsdagent.bootstrap.Sink.TAKEN; // a constant javac inlines, like DsdMetrics' types
    /** The agent's context for the id was evicted (idle), or refused and there is room now: renew, retry. */
    static final int STALE = io.dsdagent.bootstrap.Sink.STALE;
    /** The stub is not wired (no agent, or an agent older than the stub): use the older stub. */
    static final int UNWIRED = 2;
    /** What {@link #resolve} returns when it is not wired. */
    static final int NO_RESOLVE = Integer.MIN_VALUE;

    /**
     * Replaced by the agent: resolves a metric identity to an id whose context the agent may evict when
     * idle (the handle then renews it). -1: refused (cap reached); {@link #NO_RESOLVE}: not wired.
     */
    static int resolve(int type, String name, String[] tags) {
        return NO_RESOLVE;
    }

    /** Replaced by the agent: adds to a counter; {@link #TAKEN}, {@link #STALE} or {@link #UNWIRED}. */
    static int tryCount(int id, long delta) {
        return UNWIRED;
    }

    /** Replaced by the agent: sets a gauge; as {@link #tryCount}. */
    static int tryGauge(int id, double value) {
        return UNWIRED;
    }

    /** Replaced by the agent: records a duration in nanoseconds; as {@link #tryCount}. */
    static int tryRecordNanos(int id, long nanos) {
        return UNWIRED;
    }

    /** Replaced by the agent: records a value; as {@link #tryCount}. */
    static int tryRecord(int id, double value) {
        return UNWIRED;
    }

    /** Replaced by the agent: adds a set member; as {@link #tryCount}. */
    static int trySetAdd(int id, String member) {
        return UNWIRED;
    }

    /**
     * Replaced by the agent: resolves a metric identity to an id the agent never evicts (the stub of API
     * jars whose handles cannot renew; this jar uses it only with an agent that lacks {@link #resolve}).
     * -1 means no agent or refused.
     */
    static int register(int type, String name, String[] tags) {
        return -1;
    }

    // the older stubs below take ids from register: never evicted (or -1, counted as dropped)

    /** Replaced by the agent: adds {@code delta} to a counter. */
    static void count(int id, long delta) {
    }

    /** Replaced by the agent: sets a gauge. */
    static void gauge(int id, double value) {
    }

    /** Replaced by the agent: records a duration in nanoseconds (timer). */
    static void recordNanos(int id, long nanos) {
    }

    /** Replaced by the agent: records a value (histogram, distribution). */
    static void record(int id, double value) {
    }

    /** Replaced by the agent: adds a member to a set. */
    static void setAdd(int id, String member) {
    }

    /** Replaced by the agent: sends an event. */
    static void event(String title, String text, long timestampSeconds, String hostname,
                      String aggregationKey, String priority, String sourceType, String alertType,
                      String[] tags) {
    }

    /** Replaced by the agent: sends a service check. */
    static void serviceCheck(String name, int status, long timestampSeconds, String hostname,
                             String message, String[] tags) {
    }
}
