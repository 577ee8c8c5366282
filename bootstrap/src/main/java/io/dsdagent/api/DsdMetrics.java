package io.dsdagent.api;

import io.dsdagent.bootstrap.Sink;

/**
 * The public metrics API. Without the dsd-agent attached every call is a silent no-op; with it, the
 * agent wires these stubs in whatever class loader the application has them.
 *
 * <p>Resolve a handle once and keep it: {@code counter}, {@code gauge}, {@code timer},
 * {@code histogram}, {@code distribution} and {@code set} look the metric identity up once; recording
 * through the handle allocates nothing. The conveniences that take a name on every call
 * ({@link #count(String, long, String...)}, {@link #gauge(String, double, String...)}) look the
 * identity up on every call: fine for rare events, not for hot loops.
 *
 * <p>Tags are {@code "key:value"} strings (or a bare {@code "value"}).
 *
 * <p>A handle stays valid for good: when the agent has evicted its context (nothing recorded for a few
 * flush intervals), or refused it while its context cap was full, the handle's next use registers it
 * again (one lookup, on that call only).
 */
public final class DsdMetrics {
    // the bridge's type numbers, inlined by javac: the facade never links to the bridge package
    static final int COUNT = Sink.COUNT;
    static final int GAUGE = Sink.GAUGE;
    static final int TIMER = Sink.TIMER;
    static final int HISTOGRAM = Sink.HISTOGRAM;
    static final int DISTRIBUTION = Sink.DISTRIBUTION;
    static final int SET = Sink.SET;

    private DsdMetrics() {
    }

    public static Counter counter(String name, String... tags) {
        return new Counter(name, tags);
    }

    public static Gauge gauge(String name, String... tags) {
        return new Gauge(name, tags);
    }

    public static Timer timer(String name, String... tags) {
        return new Timer(name, tags);
    }

    public static Histogram histogram(String name, String... tags) {
        return new Histogram(name, tags);
    }

    public static Distribution distribution(String name, String... tags) {
        return new Distribution(name, tags);
    }

    public static SetMetric set(String name, String... tags) {
        return new SetMetric(name, tags);
    }

    /** Adds {@code delta} to a counter, looking the identity up on this call (it allocates a handle). */
    public static void count(String name, long delta, String... tags) {
        new Counter(name, tags).increment(delta);
    }

    /** Sets a gauge, looking the identity up on this call (it allocates a handle). */
    public static void gauge(String name, double value, String... tags) {
        new Gauge(name, tags).set(value);
    }

    /** Sends an event. */
    public static void event(Event event) {
        if (event == null) {
            return;
        }
        Hooks.event(event.title, event.text, event.timestampSeconds, event.hostname, event.aggregationKey,
                event.priority, event.sourceType, event.alertType, event.tags);
    }

    /** Sends an event with a title, a text and tags. */
    public static void event(String title, String text, String... tags) {
        event(Event.of(title, text).tags(tags));
    }

    /** Sends a service check. {@code message} may be null. */
    public static void serviceCheck(String name, ServiceCheckStatus status, String message, String... tags) {
        Hooks.serviceCheck(name, status == null ? 3 : status.code(), 0L, null, message, tags);
    }
}
