package io.dsdagent.agent.aggregate;

/**
 * The sample rate that makes the Datadog Agent weigh a value exactly {@code w}: it computes
 * {@code int(1/rate)} in float64 and truncates, so {@code 1.0/w} is not always right (w = 93 gives 92).
 * We step the rate one ulp at a time until the truncated reciprocal is exactly {@code w}. The rate is
 * then written by the packer in its shortest round-trip form, which parses back to exactly this double,
 * so the Agent sees the same value. Pure arithmetic: no strings, no allocation.
 *
 * <p>Exact for every weight up to {@link #MAX_WEIGHT} (2<sup>52</sup>: below it one ulp of the rate
 * moves the reciprocal by less than one, so some rate lands on every integer); {@code SampleRatesTest}
 * checks every weight up to {@link #TESTED_EXHAUSTIVELY} on the written bytes, and samples above. No
 * interval's count comes near the maximum (2<sup>52</sup> calls of one context in one interval).
 */
public final class SampleRates {
    /** Largest weight whose rate is exact. */
    public static final long MAX_WEIGHT = 1L << 52;
    /** Every weight up to this one is checked by the unit test. */
    static final long TESTED_EXHAUSTIVELY = 1L << 22;

    /** The rate for weight {@code w}: {@code (long) (1 / rate) == w} for every w >= 1; 1 for w <= 1. */
    public double forWeight(long w) {
        return compute(w);
    }

    public static double compute(long w) {
        if (w <= 1) {
            return 1;
        }
        double r = 1.0 / w;
        for (int i = 0; i < 64; i++) {
            long weight = (long) (1.0 / r);
            if (weight == w) {
                return r;
            }
            r = weight < w ? Math.nextDown(r) : Math.nextUp(r);
        }
        return 1.0 / w; // not reached for weights up to MAX_WEIGHT; the closest we have
    }
}
