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
 */
public final class DsdMetrics {
    // the bridge's type numbers, inlined by javac: the facade never links to the bridge package
    private static final int COUNT = Sink.COUNT;
    private static final int GAUGE = Sink.GAUGE;
    private static final int TIMER = Sink.TIMER;
    private static final int HISTOGRAM = Sink.HISTOGRAM;
    private static final int DISTRIBUTION = Sink.DISTRIBUTION;
    private static final int SET = Sink.SET;

    private DsdMetrics() {
    }

    public static Counter counter(String name, String... tags) {
        return new Counter(Hooks.register(COUNT, name, tags));
    }

    public static Gauge gauge(String name, String... tags) {
        return new Gauge(Hooks.register(GAUGE, name, tags));
    }

    public static Timer timer(String name, String... tags) {
        return new Timer(Hooks.register(TIMER, name, tags));
    }

    public static Histogram histogram(String name, String... tags) {
        return new Histogram(Hooks.register(HISTOGRAM, name, tags));
    }

    public static Distribution distribution(String name, String... tags) {
        return new Distribution(Hooks.register(DISTRIBUTION, name, tags));
    }

    public static SetMetric set(String name, String... tags) {
        return new SetMetric(Hooks.register(SET, name, tags));
    }

    /** Adds {@code delta} to a counter, looking the identity up on this call. */
    public static void count(String name, long delta, String... tags) {
        Hooks.count(Hooks.register(COUNT, name, tags), delta);
    }

    /** Sets a gauge, looking the identity up on this call. */
    public static void gauge(String name, double value, String... tags) {
        Hooks.gauge(Hooks.register(GAUGE, name, tags), value);
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
