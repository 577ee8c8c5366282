package io.dsdagent.agent.aggregate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Datadog Agent weighs a value int(1/rate) in float64: every weight the aggregator can send must come
 * back exactly. With the default cap of 1,000 samples per context, a weight of 1,000,000 stands for a
 * billion values in one interval, far beyond any real rate; every weight up to it is checked.
 */
class SampleRatesTest {
    @Test
    void everyWeightUpToAMillionReadsBackExactly() {
        SampleRates rates = new SampleRates();
        for (long w = 2; w <= 1_000_000; w++) {
            String s = new String(rates.forWeight(w), StandardCharsets.US_ASCII);
            double r = Double.parseDouble(s);
            assertEquals(w, (long) (1.0 / r), "weight " + w + " as rate " + s);
            assertTrue(s.startsWith("0.") && s.indexOf('E') < 0 && s.indexOf('e') < 0, s);
        }
    }

    @Test
    void theShortestFormIsNotAlwaysRight() {
        // 1/93 in its shortest form reads back as 92.99999... and truncates to 92
        assertEquals(92, (long) (1.0 / Double.parseDouble(Double.toString(1.0 / 93))));
        assertEquals(93, (long) (1.0 / Double.parseDouble(SampleRates.compute(93))));
    }
}
