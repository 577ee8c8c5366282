package io.dsdagent.agent.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * The ASCII sample rate that makes the Datadog Agent weigh a value exactly {@code w}: it computes
 * {@code int(1/rate)} in float64 and truncates, so the shortest form of {@code 1/w} is not always
 * right (w = 93 gives 92). We step the rate down one ulp at a time until the truncated reciprocal is
 * exactly {@code w}. Results are cached; only the aggregator thread calls this.
 */
public final class SampleRates {
    private static final int CACHE_MAX = 4096;
    private final HashMap<Long, byte[]> cache = new HashMap<Long, byte[]>();

    /** Rate bytes (without {@code @}) for weight {@code w >= 2}. */
    public byte[] forWeight(long w) {
        Long key = w;
        byte[] b = cache.get(key);
        if (b == null) {
            b = compute(w).getBytes(StandardCharsets.US_ASCII);
            if (cache.size() >= CACHE_MAX) {
                cache.clear();
            }
            cache.put(key, b);
        }
        return b;
    }

    /** The rate as text; {@code (long) (1 / Double.parseDouble(result)) == w} holds for every w >= 1. */
    public static String compute(long w) {
        if (w <= 1) {
            return "1";
        }
        double r = 1.0 / w;
        for (int i = 0; i < 64; i++) {
            String s = plain(r);
            double parsed = Double.parseDouble(s);
            long weight = (long) (1.0 / parsed);
            if (weight == w) {
                return s;
            }
            r = weight < w ? Math.nextDown(parsed) : Math.nextUp(parsed);
        }
        throw new IllegalStateException("no sample rate for weight " + w);
    }

    /** Shortest round-trip decimal without exponent. */
    static String plain(double r) {
        return new java.math.BigDecimal(Double.toString(r)).toPlainString();
    }
}
