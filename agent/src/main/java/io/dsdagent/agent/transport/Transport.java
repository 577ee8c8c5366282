package io.dsdagent.agent.transport;

/**
 * Sends one datagram (or one stream frame) of newline-separated messages. Called only from the
 * aggregator thread. Never waits longer than its flush's wait budget ({@link SendWait}) and never
 * throws: a payload that cannot be sent is counted by reason in telemetry and {@code false} is returned.
 */
public interface Transport extends java.io.Closeable {
    boolean send(byte[] payload, int length);

    /**
     * {@link #send(byte[], int)} for a payload that carries {@code samples} recorded samples, for a
     * transport that may report the payload sent and lose it later (a stream frame written in part).
     */
    default boolean send(byte[] payload, int length, long samples) {
        return send(payload, length);
    }

    /**
     * A flush begins ({@code last}: the final one, at shutdown): a transport that may wait for a full
     * socket gets its wait budget back (see {@link SendWait}).
     */
    default void newFlush(boolean last) {
    }

    /** Largest payload this transport takes. */
    int maxPayload();

    /** What the start-up line and {@code java -jar} print. */
    String describe();

    @Override
    void close();
}
