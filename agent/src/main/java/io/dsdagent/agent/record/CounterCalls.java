package io.dsdagent.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per counter context: how many calls added to it (one cell per stripe, the same stripes as its sums),
 * and the carries of its sum cells. Telemetry counts calls, never values: a lost count line stands for
 * the calls behind it, whatever their deltas, and "recorded" is the number of calls.
 *
 * <p>A stripe's sum cell is a {@code long}; a writer whose {@code getAndAdd} crossed the end of the long
 * range (two {@code increment(Long.MAX_VALUE)}) records a carry of plus or minus 2<sup>64</sup> here, on
 * that rare path only, so the interval's total is exact however large ({@link CountTake}). The carry is
 * written just after the add: a flush that takes the cell between the two sees the carry in the next
 * interval, so the total over time is exact even then.
 *
 * <p>Only the aggregator thread calls {@link #take}. The fast path pays the same one call-counting
 * atomic it always did, on a cell of its own context instead of one shared by the stripe.
 */
final class CounterCalls {
    private final ContextCells cells;
    private final int stripes;
    /** Calls taken so far (aggregator thread only): part of "recorded". */
    private long taken;

    CounterCalls(int segments, int stripes) {
        this.cells = new ContextCells(segments, stripes + 1); // the last row holds the carries
        this.stripes = stripes;
    }

    /** The cells of {@code id}'s segment, for {@link #called}; null if the context cannot exist. */
    AtomicLongArray cells(int id) {
        return cells.segment(id);
    }

    /** Fast path: one call on {@code stripe}, whose sum cell went from {@code before} by {@code delta}. */
    void called(AtomicLongArray calls, int id, int stripe, long before, long delta) {
        long after = before + delta;
        if (((before ^ after) & (delta ^ after)) < 0) {
            calls.getAndAdd(ContextCells.offset(stripes, id), delta < 0 ? -1 : 1);
        }
        calls.getAndIncrement(ContextCells.offset(stripe, id));
    }

    /**
     * Adds {@code id}'s calls and carries since the last take into {@code into}, resetting them; the
     * calls count as recorded unless {@code recorded} is false (the caller counts them as dropped).
     */
    void take(int id, CountTake into, boolean recorded) {
        AtomicLongArray a = cells.existing(id);
        if (a == null) {
            return;
        }
        long calls = 0;
        for (int s = 0; s < stripes; s++) {
            int i = ContextCells.offset(s, id);
            if (a.get(i) != 0) {
                calls += a.getAndSet(i, 0);
            }
        }
        int c = ContextCells.offset(stripes, id);
        if (a.get(c) != 0) {
            into.carry(a.getAndSet(c, 0));
        }
        into.calls += calls;
        if (recorded) {
            taken += calls;
        }
    }

    long taken() {
        return taken;
    }
}
