package io.dsdagent.api;

/**
 * The only methods of the API the agent instruments. Each is a no-op here; with the agent attached,
 * the agent's api instrumentation ({@code instrument.api.ApiModule}) replaces each body with a call to
 * the bridge method of the same name and descriptor. Keeping the
 * wired surface to these few static methods means an application compiled against a newer copy of
 * this jar (with methods the agent does not know) keeps working: the unknown ones stay no-ops.
 * Not part of the public API.
 */
final class Hooks {
    private Hooks() {
    }

    /** Replaced by the agent: resolves a metric identity to a handle id once. -1 means no agent. */
    static int register(int type, String name, String[] tags) {
        return -1;
    }

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
