package io.dsdagent.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per counter context: how many calls added to it (one cell per stripe, the same stripes as its sums),
 * and the carries of its sum cells. Telemetry counts calls, never values: a lost count line stands for
 * the calls behind it, whatever their deltas, and "recorded" is the number of calls.
 *
 * <p>A call's calls cell carries one unit of its value too: a call of delta 1, by far the most common
 * ({@code @Counted}, {@code increment()}), is one atomic on its calls cell and nothing else, and any other
 * delta adds {@code delta - 1} to the stripe's sum cell. So an interval's value is the sum cells plus the
 * calls, and a take of a counter that only ever adds 1 has exactly as many calls as its value, however
 * the take interleaves with writers: with a separate add to each cell, a take between a writer's two
 * atomics gave one line a value without its call and the next a call without its value, so a receiver
 * counting values saw one call too many when the first line arrived and the second was lost. Other deltas
 * keep two atomics, and a take between them moves {@code delta - 1} to the next line (totals stay exact).
 *
 * <p>A stripe's sum cell is a {@code long}; a writer whose {@code getAndAdd} crossed the end of the long
 * range (two {@code increment(Long.MAX_VALUE)}) records a carry of plus or minus 2<sup>64</sup> here, on
 * that rare path only, so the interval's total is exact however large ({@link CountTake}). The carry is
 * written just after the add: a flush that takes the cell between the two sees the carry in the next
 * interval, so the total over time is exact even then.
 *
 * <p>Only the aggregator thread calls {@link #take}.
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

    /** Fast path: one call on {@code stripe}, which is also one unit of its value. */
    void called(AtomicLongArray calls, int id, int stripe) {
        calls.getAndIncrement(ContextCells.offset(stripe, id));
    }

    /**
     * A call of a delta other than 1: the sum cell went from {@code before} by {@code rest} = delta - 1;
     * records the carries that keep the total exact.
     */
    void carries(AtomicLongArray calls, int id, long before, long rest) {
        long after = before + rest;
        int carry = ((before ^ after) & (rest ^ after)) < 0 ? (rest < 0 ? -1 : 1) : 0;
        if (rest == Long.MAX_VALUE) {
            carry--; // only Long.MIN_VALUE - 1 wraps to it: the value added is 2^64 less
        }
        if (carry != 0) {
            calls.getAndAdd(ContextCells.offset(stripes, id), carry);
        }
    }

    /**
     * Adds {@code id}'s calls (to its calls and, one unit each, to its value) and carries since the last
     * take into {@code into}, resetting them; the calls count as recorded unless {@code recorded} is false
     * (the caller counts them as dropped).
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
        into.add(calls);
        if (recorded) {
            taken += calls;
        }
    }

    long taken() {
        return taken;
    }
}
