package io.dsdagent.api;

/**
 * An event to send with {@link DsdMetrics#event(Event)}. Title and text may hold any characters; the
 * agent escapes newlines and counts lengths in UTF-8 bytes. Optional fields left unset are not sent.
 */
public final class Event {
    final String title;
    final String text;
    long timestampSeconds;
    String hostname;
    String aggregationKey;
    String priority;
    String sourceType;
    String alertType;
    String[] tags = new String[0];

    private Event(String title, String text) {
        this.title = title;
        this.text = text;
    }

    /** Starts an event. */
    public static Event of(String title, String text) {
        return new Event(title, text);
    }

    /** Unix seconds; 0 (default) lets the Datadog Agent use the time of arrival. */
    public Event timestamp(long unixSeconds) {
        this.timestampSeconds = unixSeconds;
        return this;
    }

    public Event hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    public Event aggregationKey(String key) {
        this.aggregationKey = key;
        return this;
    }

    /** {@code "normal"} or {@code "low"}. */
    public Event priority(String priority) {
        this.priority = priority;
        return this;
    }

    public Event sourceType(String sourceType) {
        this.sourceType = sourceType;
        return this;
    }

    /** {@code "error"}, {@code "warning"}, {@code "info"} or {@code "success"}. */
    public Event alertType(String alertType) {
        this.alertType = alertType;
        return this;
    }

    /** Tags, each {@code "key:value"} or {@code "value"}. */
    public Event tags(String... tags) {
        this.tags = tags == null ? new String[0] : tags.clone();
        return this;
    }
}
