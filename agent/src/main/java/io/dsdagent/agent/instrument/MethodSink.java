package io.dsdagent.agent.instrument;

/**
 * Where the bridge routes method-level advice (timed/counted methods). The method id was resolved at
 * transform time; implementations record without allocating or locking in steady state and never throw.
 */
public interface MethodSink {
    /** A method returned ({@code thrown == null}) or threw, after {@code nanos}. */
    void timed(int methodId, long nanos, Throwable thrown);

    /**
     * Dead: nothing calls it since the bridge's {@code methodCounted} went (the weaver never emitted it).
     * It stays only because {@code MethodTable.counted} overrides it; both go together.
     */
    void counted(int methodId, Throwable thrown);

    /** A method that returns a {@code CompletionStage} returned or threw; see {@code Bridge.methodStage}. */
    void stage(int methodId, long startNanos, Object returned, Throwable thrown);
}
