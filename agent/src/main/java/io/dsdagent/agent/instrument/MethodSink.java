package io.dsdagent.agent.instrument;

/**
 * Where the bridge routes method-level advice (timed/counted methods, both through {@link #timed}: a
 * counted-only method has no timer). The method id was resolved at
 * transform time; implementations record without allocating or locking in steady state and never throw.
 */
public interface MethodSink {
    /** A method returned ({@code thrown == null}) or threw, after {@code nanos}. */
    void timed(int methodId, long nanos, Throwable thrown);

    /** A method that returns a {@code CompletionStage} returned or threw; see {@code Bridge.methodStage}. */
    void stage(int methodId, long startNanos, Object returned, Throwable thrown);
}
