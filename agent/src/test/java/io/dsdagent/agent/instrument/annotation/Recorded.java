package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads what the recorder holds, as the aggregator would: values and counts per context, by name and tags. */
final class Recorded {
    private final Registry registry;
    private final Recorder recorder;
    private final Map<Integer, List<Long>> values = new HashMap<>();
    private final Map<Integer, Long> counts = new HashMap<>();

    Recorded(Registry registry, Recorder recorder) {
        this.registry = registry;
        this.recorder = recorder;
    }

    private synchronized void drain() {
        Recorder.ChunkConsumer c = (ids, vals, refs, n) -> {
            for (int i = 0; i < n; i++) {
                values.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(vals[i]);
            }
        };
        recorder.drainFull(c);
        recorder.drainStripes(c);
        for (int id = 0; id < registry.size(); id++) {
            if (registry.get(id).type == Registry.COUNT) {
                io.dsdagent.agent.record.CountTake take = new io.dsdagent.agent.record.CountTake();
                recorder.takeCount(id, take);
                counts.merge(id, take.low(), Long::sum);
            }
        }
    }

    /** The context with exactly these tags (any order), or null. */
    ContextInfo context(String name, String... tags) {
        String[] sorted = tags.clone();
        Arrays.sort(sorted);
        for (int id = 0; id < registry.size(); id++) {
            ContextInfo ci = registry.get(id);
            if (ci.name.equals(name) && Arrays.equals(ci.tags, sorted)) {
                return ci;
            }
        }
        return null;
    }

    /** Values recorded so far into that context (nanoseconds for timers); empty if it does not exist. */
    synchronized List<Long> values(String name, String... tags) {
        drain();
        ContextInfo ci = context(name, tags);
        return ci == null ? List.of() : values.getOrDefault(ci.id, List.of());
    }

    synchronized long count(String name, String... tags) {
        drain();
        ContextInfo ci = context(name, tags);
        return ci == null ? 0 : counts.getOrDefault(ci.id, 0L);
    }

    /** Names and tags of every context whose tags contain {@code tag}. */
    List<String> contextsTagged(String tag) {
        List<String> out = new ArrayList<>();
        for (int id = 0; id < registry.size(); id++) {
            ContextInfo ci = registry.get(id);
            if (Arrays.asList(ci.tags).contains(tag)) {
                out.add(ci.name + Arrays.toString(ci.tags));
            }
        }
        return out;
    }
}
