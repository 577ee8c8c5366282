package io.dsdagent.agent.record;

/**
 * Who asked for a metric context. The cap ({@code DSD_AGENT_MAX_CONTEXTS}) is shared by the three
 * application-facing sources, each with a reserved floor, so one of them (typically an API caller that
 * puts unbounded values in tags) cannot starve the others. The agent's own contexts (its telemetry and
 * the {@code jvm.*} and {@code sockstat.*} samplers) are bounded by construction, never evicted and not
 * counted against the cap.
 */
public enum Source {
    /** The public API ({@code io.dsdagent.api}). */
    API("api"),
    /** Annotated methods ({@code @Timed}, {@code @Counted}, {@code DSD_AGENT_TIMED_METHODS}). */
    METHODS("methods"),
    /** {@code http.server.requests}. */
    HTTP("http"),
    /** The agent's own telemetry and samplers: outside the cap, never evicted. */
    AGENT("agent");

    /** The sources the cap applies to. */
    static final Source[] CAPPED = {API, METHODS, HTTP};

    /** Value of the {@code source:} tag of {@code dsd_agent.contexts}. */
    public final String tag;

    Source(String tag) {
        this.tag = tag;
    }

    boolean capped() {
        return this != AGENT;
    }
}
