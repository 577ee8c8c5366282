package io.dsdagent.agent.listen;

import java.util.Arrays;
import java.util.HashSet;

/**
 * What one metric context (type, name, sorted tags) received in one summary interval, counted as the Datadog Agent
 * counts it: a count line adds {@code value * (1/rate)}; a timer or histogram value weighs {@code int64(1/rate)}
 * (a rate of 0 is 1; {@code @2} weighs 0); a distribution value {@code uint(1/rate)} with rates outside (0, 1]
 * taken as 1; a set counts distinct members; a gauge and a service check keep their last value.
 *
 * <p>Percentiles are the Agent's histogram ranks over the weighted values: p50 is its {@code .median} (the first
 * value, in order, whose running weight passes {@code (count-1)/2}), p95 and p99 its {@code .95percentile} rule
 * ({@code (p*count-1)/100}), max the largest. At most {@link #MAX_VALUES} values are kept per interval; the count
 * stays exact beyond that and the percentiles come from the values kept.
 */
final class ContextStats {
    static final int MAX_VALUES = 100_000;

    final String type;
    final String name;
    final String tags;
    /** Weighted count (or distinct members, or points for gauges and service checks). */
    double count;
    /** A gauge's last value, or a service check's last status; NaN if none. */
    double last = Double.NaN;
    private HashSet<String> members;
    private double[] values = new double[8];
    private long[] weights = new long[8];
    private int kept;

    ContextStats(String type, String name, String tags) {
        this.type = type;
        this.name = name;
        this.tags = tags;
    }

    boolean hasValues() {
        return type.equals("timer") || type.equals("histogram") || type.equals("distribution");
    }

    void count(double value, double rate) {
        count += value * (1 / rate);
    }

    void point(double value) {
        count++;
        last = value;
    }

    void member(String member) {
        if (members == null) {
            members = new HashSet<String>();
        }
        members.add(member);
        count = members.size();
    }

    void value(double value, double rate) {
        long weight;
        if (type.equals("distribution")) {
            weight = rate > 0 && rate <= 1 ? (long) (1 / rate) : 1;
        } else {
            weight = (long) (1 / (rate == 0 ? 1 : rate));
        }
        count += weight;
        if (kept == MAX_VALUES || weight <= 0) {
            return;
        }
        if (kept == values.length) {
            values = Arrays.copyOf(values, kept * 2);
            weights = Arrays.copyOf(weights, kept * 2);
        }
        values[kept] = value;
        weights[kept] = weight;
        kept++;
    }

    /** {@code [p50, p95, p99, max]} of the weighted values; NaNs if there are none. */
    double[] percentiles() {
        double[] out = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        if (kept == 0) {
            return out;
        }
        Integer[] order = new Integer[kept];
        long total = 0;
        for (int i = 0; i < kept; i++) {
            order[i] = i;
            total += weights[i];
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        long[] targets = {(total - 1) / 2, (95 * total - 1) / 100, (99 * total - 1) / 100};
        long running = 0;
        int t = 0;
        for (int i = 0; i < kept && t < targets.length; i++) {
            running += weights[order[i]];
            while (t < targets.length && running > targets[t]) {
                out[t++] = values[order[i]];
            }
        }
        out[3] = values[order[kept - 1]];
        return out;
    }
}
