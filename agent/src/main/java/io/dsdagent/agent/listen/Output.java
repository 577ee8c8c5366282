package io.dsdagent.agent.listen;

/**
 * Where {@code listen} puts what it receives: the decoded or raw lines ({@link Lines}), or the summary table
 * ({@link Summary}). The receive loops wait at most 200 ms per receive, so {@link #idle} runs at least that often
 * and a summary is drawn on time even when nothing arrives.
 */
interface Output {
    /** One datagram or stream frame: newline-separated messages. */
    void payload(String payload);

    /** Between receives, at least every 200 ms. */
    void idle(long nanoTime);

    /** Once, when the receiver stops (its {@code --seconds} are over). */
    void end(long nanoTime);
}
