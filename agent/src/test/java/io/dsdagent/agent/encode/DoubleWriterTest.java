package io.dsdagent.agent.encode;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoubleWriterTest {
    private final byte[] buf = new byte[64];

    private String write(double v) {
        int end = DoubleWriter.write(buf, 0, v);
        assertTrue(end <= DoubleWriter.MAX_LEN, "too long for " + v);
        return new String(buf, 0, end, StandardCharsets.US_ASCII);
    }

    @Test
    void writesGoStyleShortestForms() {
        assertEquals("0.1", write(0.1));
        assertEquals("0.3", write(0.3));
        assertEquals("0.30000000000000004", write(0.1 + 0.2));
        assertEquals("1.5", write(1.5));
        assertEquals("-2.75", write(-2.75));
        assertEquals("123.456", write(123.456));
        assertEquals("0.0001", write(0.0001));
        assertEquals("1.5e-05", write(0.000015));
        assertEquals("1e-07", write(1e-7));
        assertEquals("100000000000000000000", write(1e20));
        assertEquals("1e+21", write(1e21));
        assertEquals("1.2345e+21", write(1.2345e21));
        assertEquals("9007199254740994", write(9007199254740994.0));
        assertEquals("5e-324", write(Double.MIN_VALUE));
        assertEquals("2.2250738585072014e-308", write(Double.MIN_NORMAL));
        assertEquals("1.7976931348623157e+308", write(Double.MAX_VALUE));
        assertEquals("42", write(42.0));
        assertEquals("1", write(1.0));
        assertEquals("0", write(0.0));
        assertEquals("-0", write(-0.0));
        assertEquals("1e+23", write(1e23));
        assertEquals("2e+23", write(2e23));
        assertEquals("8e-323", write(Double.MIN_VALUE * 16));
    }

    @Test
    void neverWritesNanOrInfinity() {
        assertEquals("0", write(Double.NaN));
        assertEquals("0", write(Double.POSITIVE_INFINITY));
        assertEquals("0", write(Double.NEGATIVE_INFINITY));
    }

    @Test
    void floorLogApproximationsAreExactOverTheWholeRange() {
        for (int q = -1200; q <= 1200; q++) {
            assertEquals(exactFloorLog10(pow2(q)),
                    DoubleWriter.floorLog10Pow2(q), "log10 2^" + q);
            BigDecimal threeQuarters = new BigDecimal("0.75").multiply(pow2(q));
            assertEquals(exactFloorLog10(threeQuarters), DoubleWriter.floorLog10ThreeQuartersPow2(q), "log10 3/4 2^" + q);
        }
        for (int p = -400; p <= 400; p++) {
            BigDecimal ten = p >= 0 ? new BigDecimal(BigInteger.TEN.pow(p)) : BigDecimal.ONE.scaleByPowerOfTen(p);
            int expected = exactFloorLog2(ten);
            assertEquals(expected, DoubleWriter.floorLog2Pow10(p), "log2 10^" + p);
        }
    }

    @Test
    void multiplyHighMatchesBigInteger() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long a = r.nextLong() >>> 1;
            long b = r.nextLong() >>> 1;
            long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).shiftRight(64).longValue();
            assertEquals(expected, DoubleWriter.multiplyHigh(a, b));
        }
    }

    /**
     * A million random doubles (bit patterns, scaled, short decimals, subnormals): every output reads back
     * exactly; for an eighth of them, no shorter decimal would (and on JDK 19+ the digits equal the JDK's).
     */
    @Test
    void randomDoublesRoundTripInTheShortestForm() {
        SplittableRandom r = new SplittableRandom(20240611L);
        boolean jdkIsShortest = Runtime.version().feature() >= 19; // JDK 19+ Double.toString is shortest too
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            double v;
            switch (i & 3) {
                case 0: v = Double.longBitsToDouble(r.nextLong()); break;
                case 1: v = r.nextDouble() * Math.pow(10, r.nextInt(-10, 12)); break;
                case 2: v = Math.round(r.nextDouble() * 1e6) / 1000.0; break;
                default: v = Double.longBitsToDouble(r.nextLong(0, 1L << 53)); break; // subnormals and tiny
            }
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            checkShortestRoundTrip(v, (i & 0x1c) == 0, jdkIsShortest && (i & 63) == 0);
        }
    }

    @Test
    void edgeCasesAroundPowersOfTwoAndTen() {
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            checkShortestRoundTrip(p, false);
            checkShortestRoundTrip(Math.nextUp(p), false);
            checkShortestRoundTrip(Math.nextDown(p), false);
        }
        for (int e = -323; e <= 308; e++) {
            double p = Double.parseDouble("1e" + e);
            checkShortestRoundTrip(p, false);
            checkShortestRoundTrip(Math.nextUp(p), false);
            checkShortestRoundTrip(Math.nextDown(p), false);
        }
    }

    private void checkShortestRoundTrip(double v, boolean compareWithJdk) {
        checkShortestRoundTrip(v, true, compareWithJdk);
    }

    /** Round trip always; the (slower) shortest check when asked. */
    private void checkShortestRoundTrip(double v, boolean checkShortest, boolean compareWithJdk) {
        String s = write(v);
        double back = Double.parseDouble(s);
        assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(back), () -> s + " for " + v);
        if (v == 0 || !checkShortest) {
            return;
        }
        // digits and exponent: value = digits * 10^exp, digits without leading or trailing zeros
        String m = s.startsWith("-") ? s.substring(1) : s;
        int ePos = m.indexOf('e');
        int exp = ePos < 0 ? 0 : Integer.parseInt(m.substring(ePos + 1));
        String mant = ePos < 0 ? m : m.substring(0, ePos);
        int dot = mant.indexOf('.');
        if (dot >= 0) {
            exp -= mant.length() - dot - 1;
            mant = mant.substring(0, dot) + mant.substring(dot + 1);
        }
        while (mant.length() > 1 && mant.endsWith("0")) {
            mant = mant.substring(0, mant.length() - 1);
            exp++;
        }
        long digits = Long.parseLong(mant);
        while (digits % 10 == 0) {
            digits /= 10;
            exp++;
        }
        if (digits >= 10) {
            // a shorter decimal, if one reads back as v, is the floor or the ceiling of ours one digit up
            long down = digits / 10;
            for (long cand : new long[] {down, down + 1}) {
                if (cand == 0) {
                    continue;
                }
                String shorterText = (v < 0 ? "-" : "") + cand + "e" + (exp + 1);
                double shorter = Double.parseDouble(shorterText);
                assertNotEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(shorter),
                        () -> s + " is not the shortest for " + v + ": " + shorterText);
            }
        }
        if (compareWithJdk && digits >= 10) { // the JDK always gives 2 digits at least
            assertEquals(0, new BigDecimal(Double.toString(v)).compareTo(new BigDecimal(s)),
                    () -> s + " vs JDK " + Double.toString(v));
        }
        assertTrue(s.indexOf('N') < 0 && s.indexOf('I') < 0 && s.indexOf(',') < 0 && s.indexOf(' ') < 0);
        assertTrue(!s.endsWith(".0"), s);
    }

    private static BigDecimal pow2(int q) {
        return q >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(q)) : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-q)));
    }

    private static int exactFloorLog10(BigDecimal x) {
        // x = unscaled * 10^-scale; floor(log10 x) = precision - scale - 1
        return x.precision() - x.scale() - 1;
    }

    private static int exactFloorLog2(BigDecimal x) {
        if (x.compareTo(BigDecimal.ONE) >= 0) {
            return x.toBigInteger().bitLength() - 1;
        }
        int e = 0;
        BigDecimal y = x;
        while (y.compareTo(BigDecimal.ONE) < 0) {
            y = y.multiply(BigDecimal.valueOf(2));
            e--;
        }
        return e;
    }
}
