package io.dsdagent.agent.record;

/**
 * The free slots, first in first out: a freed slot is taken again only after every slot freed before it,
 * which spreads generations evenly over the slots (a slot whose generations are used up is retired).
 * A growable int ring, bounded by the slot space; guarded by the registry's lock.
 */
final class SlotQueue {
    private int[] ring = new int[64];
    private int head;
    private int size;

    void add(int slot) {
        if (size == ring.length) {
            int[] grown = new int[ring.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = grown;
            head = 0;
        }
        ring[(head + size) & (ring.length - 1)] = slot;
        size++;
    }

    /** The slot freed longest ago, or -1. */
    int poll() {
        if (size == 0) {
            return -1;
        }
        int slot = ring[head];
        head = (head + 1) & (ring.length - 1);
        size--;
        return slot;
    }
}
