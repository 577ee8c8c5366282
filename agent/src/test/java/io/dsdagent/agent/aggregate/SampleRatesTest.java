package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Numbers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rate written for a weight must make the Datadog Agent count exactly that weight: it parses the
 * rate with Go's {@code strconv.ParseFloat} (correctly rounded, as {@link Double#parseDouble} is) and
 * weighs a value {@code int64(1/rate)} in float64. Checked on the bytes the encoder writes.
 */
class SampleRatesTest {
    private final byte[] buf = new byte[Numbers.MAX_LEN];

    /** The weight the Datadog Agent gives a value sent with the rate written for {@code w}. */
    private long agentWeight(long w) {
        double rate = SampleRates.compute(w);
        if (!(rate > 0 && rate < 1)) {
            return 1; // the packer writes no rate: weight 1
        }
        int n = Numbers.writeDouble(buf, 0, rate);
        double parsed = Double.parseDouble(new String(buf, 0, n, StandardCharsets.US_ASCII));
        return (long) (1.0 / parsed);
    }

    @Test
    void everyWeightUpToFourMillionIsCountedExactly() {
        for (long w = 1; w <= SampleRates.TESTED_EXHAUSTIVELY; w++) {
            long got = agentWeight(w);
            if (got != w) {
                assertEquals(w, got, "weight " + w);
            }
        }
    }

    @Test
    void weightsAroundEveryPowerOfTwoAndRandomOnesUpToTheMaximumAreCountedExactly() {
        for (int bit = 22; bit <= 52; bit++) {
            for (long d = -1000; d <= 1000; d++) {
                long w = (1L << bit) + d;
                if (w >= 1 && w <= SampleRates.MAX_WEIGHT) {
                    assertEquals(w, agentWeight(w), "weight " + w);
                }
            }
        }
        SplittableRandom rnd = new SplittableRandom(14);
        for (int i = 0; i < 200_000; i++) {
            long w = 1 + rnd.nextLong(SampleRates.MAX_WEIGHT);
            assertEquals(w, agentWeight(w), "weight " + w);
        }
    }

    @Test
    void theShortestFormOfOneOverWeightIsNotAlwaysRightSoItIsNotWhatIsWritten() {
        assertEquals(92, (long) (1.0 / Double.parseDouble(Double.toString(1.0 / 93))), "the known trap");
        assertEquals(93, agentWeight(93));
        assertTrue(SampleRates.compute(93) != 1.0 / 93);
    }

    @Test
    void weightOneAndBelowWriteNoRate() {
        assertEquals(1.0, SampleRates.compute(1));
        assertEquals(1.0, SampleRates.compute(0));
    }
}
