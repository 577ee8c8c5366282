package io.dsdagent.agent.record;

import io.dsdagent.agent.encode.Sanitizer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Resolves a metric identity (type, name, tags) to an id once; recording then works on ids. It stays one
 * class over 300 lines because slot allocation, generations, quarantine and the cap's shares are guarded
 * by its one lock and change together (registering bumps a slot's generation and takes a share, evicting
 * quarantines the slot and gives the share back); splitting them would spread one lock's invariants
 * over classes on the recorder's path.
 *
 * <p><b>Slots and ids.</b> A context lives in a slot, the dense index the recorder and aggregator use.
 * The id handed to callers is the slot plus a generation in the high bits. A context that received
 * nothing for {@code idleFlushes} flushes is evicted: its slot stops accepting its id at once
 * ({@link #live} fails, so whoever caches the id registers again), stays in quarantine for one more
 * flush so that what a racing writer put in it is still sent under the old context, and is then reused
 * with the next generation. A reused slot therefore never takes a record meant for its previous
 * context; a slot whose generations are used up (about 2^31 evictions spread over all slots) is retired.
 *
 * <p><b>The cap</b> ({@code DSD_AGENT_MAX_CONTEXTS}) bounds live contexts of the capped sources, split
 * by {@link Shares}. The agent's own contexts ({@link #register(int, String, String...)}) are outside it,
 * never evicted, and always take fresh slots of generation 0, so their id is their slot. Contexts
 * registered {@link #registerPinned pinned} (handles of an API jar that cannot register again) are never
 * evicted. Slots are at most twice the cap plus {@value #AGENT_SLOTS}, in segments of {@value #SEGMENT}
 * allocated as they are first used.
 *
 * <p>Registration and eviction may allocate and take this object's lock; {@link #live} and {@link #get}
 * are lock-free reads.
 */
public final class Registry {
    /** Flag or-ed into a type: values are nanoseconds, sent as milliseconds (timers; timed h/d). */
    public static final int NANOS = 0x100;
    public static final int COUNT = 0;
    public static final int GAUGE = 1;
    public static final int TIMER = 2;
    public static final int HISTOGRAM = 3;
    public static final int DISTRIBUTION = 4;
    public static final int SET = 5;
    /** Default of {@code DSD_AGENT_CONTEXT_FLOOR} and {@code DSD_AGENT_CONTEXT_IDLE_FLUSHES}. */
    public static final int DEFAULT_FLOOR_PERCENT = 10;
    public static final int DEFAULT_IDLE_FLUSHES = 5;
    static final int SHIFT = 10;
    static final int SEGMENT = 1 << SHIFT;
    static final int MASK = SEGMENT - 1;
    private static final int AGENT_SLOTS = 1024;
    private static final byte FREE = 0;
    private static final byte LIVE = 1;
    private static final byte PINNED = 2;
    private static final byte RETIRING = 3;
    private static final byte RETIRED = 4;
    private static final byte[][] TYPE_BYTES = {
        ascii("|c"), ascii("|g"), ascii("|ms"), ascii("|h"), ascii("|d"), ascii("|s")
    };

    private final Shares shares;
    private final int idleFlushes;
    private final int stripes;
    private final String[] constantTags;
    private final int slotBits;
    private final int slotMask;
    private final int maxGeneration;
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<String, Integer>();
    private final SlotQueue free = new SlotQueue();
    final AtomicReferenceArray<Segment> segments;
    /**
     * Per slot, the id of its live context, {@code ~slot} while it has none (no id equals it): what
     * {@link #live} compares, one flat array for every slot handed out so far (a power of two of at least
     * {@value #SEGMENT}). Written under this object's lock only, each element followed by a volatile write
     * of this field ({@link #setLive}); when a new segment needs more slots, a larger copy replaces it (under
     * the lock too), so {@link #live} is one volatile read of this field and one of an element, with no
     * segment hop. A writer holding the old copy across the swap sees what it showed just before: the same
     * race as a live check just before an eviction, which the quarantine covers.
     */
    private volatile int[] liveIds = liveIds(null, SEGMENT);
    private volatile int count;
    private volatile long evictions;

    /** Per-segment storage; counts are striped so threads on different stripes never share a line. */
    static final class Segment {
        final ContextInfo[] infos = new ContextInfo[SEGMENT];
        final AtomicLongArray counts;
        final AtomicLongArray gauges;
        /** Guarded by the registry's lock. */
        final byte[] states = new byte[SEGMENT];
        final int[] generations = new int[SEGMENT];
        /** Consecutive flushes without data; the aggregator thread's only. */
        final int[] idle = new int[SEGMENT];

        Segment(int stripes) {
            counts = new AtomicLongArray(stripes * SEGMENT);
            gauges = new AtomicLongArray(SEGMENT);
            for (int i = 0; i < SEGMENT; i++) {
                gauges.lazySet(i, Recorder.GAUGE_UNSET);
            }
        }
    }

    /** With the default floor and idle flushes; {@code telemetry} is kept for the constructor's callers. */
    public Registry(int maxContexts, int stripes, List<String> constantTags, Telemetry telemetry) {
        this(maxContexts, DEFAULT_FLOOR_PERCENT, DEFAULT_IDLE_FLUSHES, stripes, constantTags);
    }

    /** {@code floorPercent}: each capped source's reserved share (0-33); {@code idleFlushes}: flushes before eviction. */
    public Registry(int maxContexts, int floorPercent, int idleFlushes, int stripes, List<String> constantTags) {
        this.shares = new Shares(maxContexts, floorPercent);
        this.idleFlushes = Math.max(1, idleFlushes);
        this.stripes = stripes;
        List<String> consts = new ArrayList<String>();
        for (String t : constantTags) {
            String s = Sanitizer.tag(t);
            if (!s.isEmpty() && !consts.contains(s)) {
                consts.add(s);
            }
        }
        this.constantTags = consts.toArray(new String[0]);
        int space = Integer.highestOneBit(Math.max(SEGMENT, 2 * maxContexts + AGENT_SLOTS - 1)) << 1;
        this.slotBits = Integer.numberOfTrailingZeros(space);
        this.slotMask = space - 1;
        this.maxGeneration = (1 << (31 - slotBits)) - 1;
        this.segments = new AtomicReferenceArray<Segment>(space >>> SHIFT);
    }

    /** Slots handed out so far (live, quarantined or free); slots are {@code 0..size()-1}. */
    public int size() {
        return count;
    }

    public String[] constantTags() {
        return constantTags.clone();
    }

    /** The context in a slot, or null (a free slot). */
    public ContextInfo get(int slot) {
        if (slot < 0) {
            return null;
        }
        Segment s = segments.get(slot >>> SHIFT);
        return s == null ? null : s.infos[slot & MASK];
    }

    Segment segment(int slot) {
        return segments.get(slot >>> SHIFT);
    }

    /**
     * The slot of {@code id} while its context is live, else -1 (refused, evicted, or not an id): the
     * generation check of the record path, one compare.
     */
    public int live(int id) {
        int[] a = liveIds;
        // a power of two: the JIT drops the range check. An id whose slot lies beyond the array reads
        // another slot, whose live id has that other slot in its low bits, so it never equals this id; a
        // slot without a live context holds ~slot, which no id equals, a negative one (-1) included
        return a[id & (a.length - 1)] == id ? id & slotMask : -1;
    }

    /** Whether {@code source} has room under the cap now; a lock-free hint for ids refused earlier. */
    public boolean hasRoom(Source source) {
        return shares.hasRoom(source);
    }

    /** The agent's own context (telemetry, samplers): outside the cap, never evicted; its id is its slot. */
    public int register(int type, String name, String... tags) {
        return register(Source.AGENT, true, type, name, tags);
    }

    /**
     * Resolves {@code type/name/tags} for {@code source} to an id, creating the context on first sight;
     * -1 when the cap refuses it (one warning; the caller counts each sample it cannot record) or the
     * type is unknown. The context is evicted after {@code idleFlushes} idle flushes.
     */
    public int register(Source source, int type, String name, String... tags) {
        return register(source, source == Source.AGENT, type, name, tags);
    }

    /** As {@link #register(Source, int, String, String...)}, but never evicted: for ids that cannot be renewed. */
    public int registerPinned(Source source, int type, String name, String... tags) {
        return register(source, true, type, name, tags);
    }

    private int register(Source source, boolean pinned, int type, String name, String[] tags) {
        boolean nanos = (type & NANOS) != 0 || type == TIMER;
        type &= ~NANOS;
        if (type < 0 || type >= TYPE_BYTES.length) {
            return -1;
        }
        ContextKeys k = new ContextKeys(type, nanos, name, tags);
        Integer existing = byKey.get(k.key);
        if (existing != null && live(existing) >= 0 && !(pinned && state(existing) == LIVE)) {
            return existing;
        }
        synchronized (this) {
            existing = byKey.get(k.key);
            if (existing != null) {
                if (pinned && state(existing) == LIVE) {
                    segment(existing & slotMask).states[existing & MASK] = PINNED;
                }
                return existing;
            }
            if (!shares.admits(source)) {
                refused(source);
                return -1;
            }
            int slot = source.capped() ? free.poll() : -1;
            if (slot < 0) {
                slot = count;
                if (slot > slotMask) {
                    refused(source);
                    return -1;
                }
            }
            Segment seg = segments.get(slot >>> SHIFT);
            if (seg == null) {
                seg = new Segment(stripes);
                segments.set(slot >>> SHIFT, seg);
                growLiveIds(slot);
            }
            int i = slot & MASK;
            int generation = slot < count ? seg.generations[i] + 1 : 0;
            int id = generation << slotBits | slot;
            for (int s = 0; s < stripes; s++) { // a writer that raced the old context's eviction by a whole interval
                seg.counts.lazySet(s * SEGMENT + i, 0);
            }
            seg.gauges.lazySet(i, Recorder.GAUGE_UNSET);
            seg.generations[i] = generation;
            seg.states[i] = pinned ? PINNED : LIVE;
            seg.infos[i] = new ContextInfo(slot, id, source, k.key, type, nanos, k.name, k.tags, k.nameBytes(),
                    TYPE_BYTES[type], k.tagBytes(constantTags));
            setLive(slot, id); // publishes the context to recording threads
            byKey.put(k.key, id);
            shares.added(source);
            if (slot == count) {
                count = slot + 1; // publishes the slot to the aggregator
            }
            return id;
        }
    }

    /** Under the lock: makes {@link #liveIds} cover {@code slot}, copying it into a larger power of two. */
    private void growLiveIds(int slot) {
        int[] old = liveIds;
        if (slot >= old.length) {
            liveIds = liveIds(old, Integer.highestOneBit(slot) << 1);
        }
    }

    /** {@code size} live ids: {@code old}'s (if any), then {@code ~slot} (no live context) for the slots past it. */
    private static int[] liveIds(int[] old, int size) {
        int[] ids = new int[size];
        int i = 0;
        for (; old != null && i < old.length; i++) {
            ids[i] = old[i];
        }
        for (; i < size; i++) {
            ids[i] = ~i;
        }
        return ids;
    }

    /**
     * Under the lock: {@code slot}'s live id, then a volatile write of the array field, a release that
     * publishes the element (and everything written before it) to a recording thread's next {@link #live}.
     */
    private void setLive(int slot, int id) {
        int[] a = liveIds;
        a[slot] = id;
        liveIds = a;
    }

    private byte state(int id) {
        int slot = id & slotMask;
        return segment(slot).states[slot & MASK];
    }

    private void refused(Source source) {
        Log.warnOnce("context-cap-" + source.tag, "metric context cap reached for " + source.tag + " ("
                + shares.cap() + " live contexts, " + shares.floor() + " reserved per source): new name/tag"
                + " combinations are dropped until idle ones are evicted; raise DSD_AGENT_MAX_CONTEXTS");
    }

    // ---- aggregator side -------------------------------------------------------------------------

    /** The aggregator flushed {@code slot}; {@code active}: it had data this interval. Aggregator thread only. */
    public void flushed(int slot, boolean active) {
        Segment seg = segment(slot);
        int i = slot & MASK;
        seg.idle[i] = active ? 0 : seg.idle[i] + 1;
    }

    /**
     * At the end of a flush: frees the slots quarantined at the previous flush (their last data has just
     * been sent) and evicts the contexts idle for {@code idleFlushes} flushes. Aggregator thread only; the
     * scan reads states without the lock (only this thread moves a slot out of {@code LIVE} or
     * {@code RETIRING}), and takes it for each change, so registrations never wait for a whole scan.
     */
    public void endFlush() {
        int n = count;
        for (int slot = 0; slot < n; slot++) {
            Segment seg = segments.get(slot >>> SHIFT);
            int i = slot & MASK;
            byte st = seg.states[i];
            if (st == RETIRING || st == LIVE && seg.idle[i] >= idleFlushes) {
                synchronized (this) {
                    change(seg, slot, i);
                }
            }
        }
    }

    private void change(Segment seg, int slot, int i) {
        byte st = seg.states[i];
        if (st == RETIRING) {
            seg.infos[i] = null;
            seg.idle[i] = 0;
            if (seg.generations[i] < maxGeneration) {
                seg.states[i] = FREE;
                free.add(slot);
            } else {
                seg.states[i] = RETIRED;
            }
        } else if (st == LIVE) {
            ContextInfo c = seg.infos[i];
            byKey.remove(c.key, c.handle); // first: a lookup racing this still gets a live id
            setLive(slot, ~slot);
            seg.states[i] = RETIRING;
            shares.removed(c.source);
            evictions++;
        }
    }

    /** Live contexts of {@code source} (for {@code dsd_agent.contexts}). */
    public synchronized int live(Source source) {
        return shares.live(source);
    }

    /** Contexts evicted so far (for {@code dsd_agent.contexts.evicted}). */
    public long evictions() {
        return evictions;
    }

    /**
     * The low 32 bits of {@link #evictions}, which change (by one) with every eviction, after the evicted
     * slot stopped accepting its id: a cache of a checked slot is valid while this is unchanged.
     */
    public int evictionCount() {
        return (int) evictions;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
