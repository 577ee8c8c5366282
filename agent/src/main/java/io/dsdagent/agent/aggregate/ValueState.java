package io.dsdagent.agent.aggregate;

import java.util.HashSet;

/**
 * One context's values in the current interval: the true count and an unbiased uniform sample of at
 * most {@code cap} values (reservoir sampling, Algorithm R), or distinct set members. Only the
 * aggregator thread touches it.
 */
final class ValueState {
    long count;
    int kept;
    long[] samples = new long[16];
    HashSet<String> members;
    /** Adds refused this interval because {@code members} was full (counted as {@code set_cap}). */
    long refused;
    int idleIntervals;

    void add(long bits, int cap, Xorshift rnd) {
        long i = count++;
        if (kept < cap) {
            if (kept == samples.length) {
                samples = java.util.Arrays.copyOf(samples, Math.min(cap, samples.length * 2));
            }
            samples[kept++] = bits;
        } else {
            long j = rnd.nextLong(i + 1);
            if (j < cap) {
                samples[(int) j] = bits;
            }
        }
    }

    boolean addMember(String member, int cap) {
        if (members == null) {
            members = new HashSet<String>();
        }
        count++;
        if (members.size() >= cap && !members.contains(member)) {
            refused++;
            return false;
        }
        members.add(member);
        return true;
    }

    void reset() {
        count = 0;
        kept = 0;
        refused = 0;
        if (members != null) {
            members.clear();
        }
    }
}
