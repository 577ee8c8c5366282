package io.dsdagent.agent.transport;

/**
 * Sends one datagram (or one stream frame) of newline-separated messages. Called only from the
 * aggregator thread. Never blocks for long and never throws: a payload that cannot be sent is counted
 * by reason in telemetry and {@code false} is returned.
 */
public interface Transport extends java.io.Closeable {
    boolean send(byte[] payload, int length);

    /** Largest payload this transport takes. */
    int maxPayload();

    /** What the start-up line and {@code java -jar} print. */
    String describe();

    @Override
    void close();
}
