package io.dsdagent.agent.record;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Rows of {@code long} cells per metric context, addressed by the context's index ({@link #index}) and
 * allocated a segment of {@value Registry#SEGMENT} contexts at a time, on first use: memory follows the
 * contexts that are really recorded to, and the registry's id scheme stays the registry's own.
 *
 * <p>A segment is {@code rows} runs of {@value Registry#SEGMENT} cells, row-major, so the cells of one
 * row (one stripe, say) of neighbouring contexts share cache lines and different rows never do. The
 * first writer of a segment installs it with one compare-and-set; a loser takes the winner's array (the
 * only allocation, once per segment). An index outside the capacity given at construction has no cells
 * ({@link #segment} returns null): callers count that as an unknown context.
 */
final class ContextCells {
    private final AtomicReferenceArray<AtomicLongArray> segments;
    private final int rows;

    ContextCells(int segments, int rows) {
        this.segments = new AtomicReferenceArray<AtomicLongArray>(segments);
        this.rows = rows;
    }

    /**
     * The context slot an id refers to. Ids are dense slot numbers today; were an id ever to carry more
     * (a generation in high bits), this is the one place that strips it.
     */
    static int index(int id) {
        return id;
    }

    /** The segment holding {@code id}'s cells, allocated on first use; null if out of range. */
    AtomicLongArray segment(int id) {
        int s = index(id) >>> Registry.SHIFT;
        if (s >= segments.length()) {
            return null;
        }
        AtomicLongArray a = segments.get(s);
        if (a == null) {
            AtomicLongArray fresh = new AtomicLongArray(rows * Registry.SEGMENT);
            a = segments.compareAndSet(s, null, fresh) ? fresh : segments.get(s);
        }
        return a;
    }

    /** The segment holding {@code id}'s cells if any cell of it was ever written, else null. */
    AtomicLongArray existing(int id) {
        int s = index(id) >>> Registry.SHIFT;
        return s < segments.length() ? segments.get(s) : null;
    }

    /** Offset of {@code id}'s cell of row {@code row} in its segment. */
    static int offset(int row, int id) {
        return row * Registry.SEGMENT + (index(id) & Registry.MASK);
    }
}
