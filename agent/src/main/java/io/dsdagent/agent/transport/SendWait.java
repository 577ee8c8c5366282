package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry;

import java.util.concurrent.locks.LockSupport;

/**
 * How long the aggregator thread may wait, per flush, for a full Unix socket to drain before a
 * datagram or frame is dropped ({@code DSD_AGENT_SEND_WAIT}). Sending runs only on the agent's own
 * thread, so waiting there costs the application nothing, and a Datadog Agent that reads as fast as it
 * can then receives everything; a non-blocking send alone drops as soon as the socket's buffer is full
 * (about 200 kB for a stream, ten datagrams for {@code net.unix.max_dgram_qlen}).
 *
 * <p>The budget is per flush, not per send: a receiver that has stopped reading costs at most one budget
 * per flush interval, after which every send is a single non-blocking try again (dropped and counted,
 * as without waiting). While the aggregator waits it does not drain the record queue, which is why the
 * budget stays a small part of the interval ({@code Config} holds it to a quarter). The final flush gets
 * at most {@value #FINAL_MAX_MILLIS} ms, half the shutdown hook's 2 s bound ({@code Starter}), so it ends
 * inside that bound even right after a regular flush spent its whole budget.
 *
 * <p>Waiting is a retry after a short park, doubling from {@value #FIRST_STEP_NANOS} ns to
 * {@value #MAX_STEP_NANOS} ns, the same on every route: for an unconnected Unix datagram {@code sendto},
 * {@code poll} reports the socket writable even while the receiver's queue is full, so there is nothing
 * to select on. Time spent waiting is counted in {@link Telemetry#waited}. Only the aggregator thread
 * uses it.
 */
public final class SendWait {
    static final long FINAL_MAX_MILLIS = 1000;
    static final long FIRST_STEP_NANOS = 50_000;
    static final long MAX_STEP_NANOS = 2_000_000;

    private final long budgetNanos;
    private final long finalBudgetNanos;
    private final Telemetry telemetry;
    private long remainingNanos;
    private long stepNanos;

    /** {@code budgetMillis}: what each flush may spend waiting; 0 never waits. */
    public SendWait(long budgetMillis, Telemetry telemetry) {
        this.budgetNanos = Math.max(0, budgetMillis) * 1_000_000L;
        this.finalBudgetNanos = Math.min(budgetMillis, FINAL_MAX_MILLIS) * 1_000_000L;
        this.telemetry = telemetry;
        this.remainingNanos = budgetNanos;
    }

    /** A wait that never waits: every send is one non-blocking try. */
    static SendWait none(Telemetry telemetry) {
        return new SendWait(0, telemetry);
    }

    /** A flush begins: the budget is full again ({@code last}: the final flush, bounded by shutdown). */
    void newFlush(boolean last) {
        remainingNanos = last ? Math.max(0, finalBudgetNanos) : budgetNanos;
    }

    /** A send found the socket full: the next {@link #pause()} starts with the shortest step. */
    void begin() {
        stepNanos = FIRST_STEP_NANOS;
    }

    /**
     * Parks for the next step if budget is left, so the caller can try again; false when the budget of
     * this flush is spent (the caller then drops and counts).
     */
    boolean pause() {
        if (remainingNanos <= 0) {
            return false;
        }
        long step = Math.min(stepNanos, remainingNanos);
        stepNanos = Math.min(stepNanos * 2, MAX_STEP_NANOS);
        long t0 = System.nanoTime();
        LockSupport.parkNanos(this, step);
        long waited = System.nanoTime() - t0;
        remainingNanos -= Math.max(waited, 1);
        telemetry.waited(waited);
        return true;
    }

    /** What is left of this flush's budget, in nanoseconds. */
    long remainingNanos() {
        return Math.max(0, remainingNanos);
    }
}
