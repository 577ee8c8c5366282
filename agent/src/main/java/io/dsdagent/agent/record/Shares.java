package io.dsdagent.agent.record;

/**
 * How the context cap is split between the {@link Source#CAPPED capped sources}: each has a reserved
 * floor of {@code floorPercent} of the cap, and the rest is shared, first come. A source under its
 * floor is always admitted; above it, only while the shared part has room once the other sources'
 * unused floors are set aside. In numbers: with {@code committed = sum of max(live, floor)} over the
 * sources, admission keeps {@code committed <= cap}, so live contexts never exceed the cap and every
 * source can always reach its floor.
 *
 * <p>Guarded by the registry's lock, except {@link #hasRoom}, a racy hint read without it (the admission
 * itself is always decided under the lock).
 */
final class Shares {
    private final int cap;
    private final int floor;
    private final int[] live = new int[Source.values().length];
    private volatile int roomMask;

    /** {@code floorPercent}: 0 to 33, so that the three floors fit in the cap. */
    Shares(int cap, int floorPercent) {
        if (floorPercent < 0 || floorPercent * Source.CAPPED.length > 100) {
            throw new IllegalArgumentException("floor percent " + floorPercent);
        }
        this.cap = cap;
        this.floor = (int) ((long) cap * floorPercent / 100);
        update();
    }

    int cap() {
        return cap;
    }

    int floor() {
        return floor;
    }

    /** Live contexts of {@code s} (the agent's own included, for the gauge). */
    int live(Source s) {
        return live[s.ordinal()];
    }

    /** Whether one more context of {@code s} fits now. */
    boolean admits(Source s) {
        if (!s.capped()) {
            return true;
        }
        int mine = live[s.ordinal()];
        if (mine < floor) {
            return true;
        }
        long committed = 0;
        for (Source t : Source.CAPPED) {
            committed += Math.max(live[t.ordinal()], floor);
        }
        return committed < cap;
    }

    void added(Source s) {
        live[s.ordinal()]++;
        update();
    }

    void removed(Source s) {
        live[s.ordinal()]--;
        update();
    }

    /** Lock-free hint: a registration of {@code s} would likely be admitted now (a refused id retries only then). */
    boolean hasRoom(Source s) {
        return (roomMask & (1 << s.ordinal())) != 0;
    }

    private void update() {
        int m = 0;
        for (Source s : Source.values()) {
            if (admits(s)) {
                m |= 1 << s.ordinal();
            }
        }
        roomMask = m;
    }
}
