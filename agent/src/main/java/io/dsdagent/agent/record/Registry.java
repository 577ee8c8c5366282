package io.dsdagent.agent.record;

import io.dsdagent.agent.encode.Sanitizer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Resolves a metric identity (type, name, tags) to a dense int id once; recording then works on ids.
 * Contexts live in segments of {@value #SEGMENT} so memory grows with use and is capped by
 * {@code DSD_AGENT_MAX_CONTEXTS}. Registration is rare (a handle, a transform, a first-seen tag
 * combination) and may allocate and lock; lookups by id are lock-free.
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
    static final int SHIFT = 10;
    static final int SEGMENT = 1 << SHIFT;
    static final int MASK = SEGMENT - 1;
    private static final byte[][] TYPE_BYTES = {
        ascii("|c"), ascii("|g"), ascii("|ms"), ascii("|h"), ascii("|d"), ascii("|s")
    };

    private final int maxContexts;
    private final int stripes;
    private final String[] constantTags;
    private final Telemetry telemetry;
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<String, Integer>();
    final AtomicReferenceArray<Segment> segments;
    private volatile int count;

    /** Per-segment storage; counts are striped so threads on different stripes never share a line. */
    static final class Segment {
        final ContextInfo[] infos = new ContextInfo[SEGMENT];
        final java.util.concurrent.atomic.AtomicLongArray counts;
        final java.util.concurrent.atomic.AtomicLongArray gauges;

        Segment(int stripes) {
            counts = new java.util.concurrent.atomic.AtomicLongArray(stripes * SEGMENT);
            gauges = new java.util.concurrent.atomic.AtomicLongArray(SEGMENT);
            for (int i = 0; i < SEGMENT; i++) {
                gauges.lazySet(i, Recorder.GAUGE_UNSET);
            }
        }
    }

    public Registry(int maxContexts, int stripes, List<String> constantTags, Telemetry telemetry) {
        this.maxContexts = maxContexts;
        this.stripes = stripes;
        this.telemetry = telemetry;
        List<String> consts = new ArrayList<String>();
        for (String t : constantTags) {
            String s = Sanitizer.tag(t);
            if (!s.isEmpty() && !consts.contains(s)) {
                consts.add(s);
            }
        }
        this.constantTags = consts.toArray(new String[0]);
        this.segments = new AtomicReferenceArray<Segment>((maxContexts + SEGMENT - 1) / SEGMENT + 1);
    }

    /** Number of ids handed out so far; ids are {@code 0..size()-1}. */
    public int size() {
        return count;
    }

    public String[] constantTags() {
        return constantTags.clone();
    }

    /** The context for an id, or null. */
    public ContextInfo get(int id) {
        if (id < 0) {
            return null;
        }
        Segment s = segments.get(id >>> SHIFT);
        return s == null ? null : s.infos[id & MASK];
    }

    Segment segment(int id) {
        return segments.get(id >>> SHIFT);
    }

    /**
     * Resolves {@code type/name/tags} to an id, creating the context on first sight; -1 when the cap
     * {@code DSD_AGENT_MAX_CONTEXTS} is reached or the type is unknown (one warning; the recorder
     * counts each call on the id -1 once, as {@code context_cap}).
     */
    public int register(int type, String name, String... tags) {
        boolean nanos = (type & NANOS) != 0 || type == TIMER;
        type &= ~NANOS;
        if (type < 0 || type >= TYPE_BYTES.length) {
            return -1;
        }
        String sName = Sanitizer.name(name);
        TreeSet<String> sorted = new TreeSet<String>();
        if (tags != null) {
            for (String t : tags) {
                if (t != null) {
                    String s = Sanitizer.tag(t);
                    if (!s.isEmpty()) {
                        sorted.add(s);
                    }
                }
            }
        }
        StringBuilder key = new StringBuilder(sName.length() + 32).append(type).append(nanos ? 'n' : 'v')
                .append('\u0000').append(sName);
        for (String t : sorted) {
            key.append('\u0000').append(t);
        }
        String k = key.toString();
        Integer existing = byKey.get(k);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = byKey.get(k);
            if (existing != null) {
                return existing;
            }
            int id = count;
            if (id >= maxContexts) {
                // not counted here: each call on the refused handle is counted once, as context_cap
                Log.warnOnce("context-cap", "metric context cap reached (" + maxContexts
                        + "): new name/tag combinations are dropped; raise DSD_AGENT_MAX_CONTEXTS");
                return -1;
            }
            Segment seg = segments.get(id >>> SHIFT);
            if (seg == null) {
                seg = new Segment(stripes);
                segments.set(id >>> SHIFT, seg);
            }
            String[] tagArr = sorted.toArray(new String[0]);
            seg.infos[id & MASK] = new ContextInfo(id, type, nanos, sName, tagArr,
                    sName.getBytes(StandardCharsets.UTF_8), TYPE_BYTES[type], renderTags(tagArr));
            byKey.put(k, id);
            count = id + 1; // publishes the context to the aggregator
            return id;
        }
    }

    private byte[] renderTags(String[] tags) {
        TreeSet<String> all = new TreeSet<String>(Arrays.asList(tags));
        all.addAll(Arrays.asList(constantTags));
        if (all.isEmpty()) {
            return new byte[0];
        }
        StringBuilder sb = new StringBuilder("|#");
        boolean first = true;
        for (String t : all) {
            if (!first) {
                sb.append(',');
            }
            sb.append(t);
            first = false;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
