package io.dsdagent.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Timer, histogram and distribution values the recorder could not queue (chunk pool and overflow ring
 * full): their value is not kept, their count is. Per context, the drop path adds one to a counter and
 * writes the value into a plain last-value slot; the fast path never touches either. At flush the
 * aggregator takes the counter, so a context's count for an interval is the values it drained plus the
 * values dropped here, and when every value of an interval was dropped the last one stands for them all.
 *
 * <p>What must hold: only the drop path writes ({@link #add}), only the aggregator thread takes
 * ({@link #take}, {@link #last}). The last value is written before the count is incremented, so a taken
 * count above zero always has a last value of this context behind it (possibly a later one: any recorded
 * value of the context is a fair representative). Kept apart from {@link Recorder} so the fast path can
 * change (per-thread buffers) without touching how drops are counted.
 */
final class ValueDrops {
    private static final int COUNT = 0;
    private static final int LAST = 1;
    private final ContextCells cells;
    /** Taken so far, by the aggregator thread only: part of "recorded". */
    private long taken;

    ValueDrops(int segments) {
        this.cells = new ContextCells(segments, 2);
    }

    /** Drop path: {@code id}'s value {@code bits} was not queued. False if the context is unknown. */
    boolean add(int id, long bits) {
        AtomicLongArray a = cells.segment(id);
        if (a == null) {
            return false;
        }
        a.lazySet(ContextCells.offset(LAST, id), bits);
        a.getAndIncrement(ContextCells.offset(COUNT, id));
        return true;
    }

    /** The number of {@code id}'s values dropped since the last take, resetting it. */
    long take(int id) {
        AtomicLongArray a = cells.existing(id);
        if (a == null) {
            return 0;
        }
        int i = ContextCells.offset(COUNT, id);
        if (a.get(i) == 0) {
            return 0;
        }
        long n = a.getAndSet(i, 0);
        taken += n;
        return n;
    }

    /** The bits of the value dropped last for {@code id}; meaningful after a {@link #take} above zero. */
    long last(int id) {
        return cells.existing(id).get(ContextCells.offset(LAST, id));
    }

    long taken() {
        return taken;
    }
}
