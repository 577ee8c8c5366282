package io.dsdagent.agent.record;

/**
 * A fixed block of value samples (context id, value bits, optional set member). Owned by exactly one
 * thread at a time: a writer that took it from its stripe, or the aggregator that drains it. Ownership
 * is handed over through atomics and JCTools queues, so plain fields are safe here.
 */
final class Chunk {
    final int[] ids;
    final long[] values;
    Object[] refs;
    int size;

    Chunk(int capacity) {
        ids = new int[capacity];
        values = new long[capacity];
    }

    boolean isFull() {
        return size == ids.length;
    }

    void put(int id, long bits, Object ref) {
        int i = size;
        ids[i] = id;
        values[i] = bits;
        if (ref != null) {
            if (refs == null) {
                refs = new Object[ids.length]; // once per chunk, only when sets are used
            }
            refs[i] = ref;
        }
        size = i + 1;
    }

    void clear() {
        if (refs != null) {
            java.util.Arrays.fill(refs, 0, size, null);
        }
        size = 0;
    }
}
