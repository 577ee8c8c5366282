package io.dsdagent.agent.encode;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as exactly the same double, written as ASCII straight into a
 * byte array without allocating. Follows the Schubfach idea (R. Giulietti, "The Schubfach way to render
 * doubles"): pick the power of ten {@code 10^k} whose grid is as fine as the double's rounding interval,
 * then look for a multiple of {@code 10^(k+1)} in the interval (one digit shorter) and otherwise take the
 * neighbour on the {@code 10^k} grid closest to the value. All comparisons are made on round-to-odd
 * products of the significand with a 126-bit approximation of {@code 10^-k}, which keeps them exact.
 *
 * <p>Layout follows Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, which is what the Datadog Agent
 * parses: plain decimals for exponents -4..20 ({@code 0.0001}, {@code 123.25}, {@code 1e+21} is not
 * plain), scientific otherwise ({@code 1.5e-07}); integral values never get a {@code .0}; no locale, no
 * spaces. NaN and infinities are never written: callers drop them first, and this writer writes
 * {@code 0} for them as a last defence.
 */
final class DoubleWriter {
    /** Longest output: sign, 17 digits, point and {@code 0.000} or {@code e-324}. */
    static final int MAX_LEN = 26;

    private static final int MIN_P = -292;   // smallest power of ten needed (as 10^p, p = -k)
    private static final int MAX_P = 324;
    private static final long LOW63 = 0x7fffffffffffffffL;
    /** 10^p = (HI[i] * 2^63 + LO[i]) * 2^(floorLog2Pow10(p) - 125), rounded up; i = p - MIN_P. */
    private static final long[] HI = new long[MAX_P - MIN_P + 1];
    private static final long[] LO = new long[MAX_P - MIN_P + 1];

    static {
        BigInteger ten = BigInteger.TEN;
        for (int p = MIN_P; p <= MAX_P; p++) {
            int shift = 125 - floorLog2Pow10(p); // g = floor(10^p * 2^shift) + 1
            BigInteger g;
            if (p >= 0) {
                BigInteger pow = ten.pow(p);
                g = shift >= 0 ? pow.shiftLeft(shift) : pow.shiftRight(-shift);
            } else {
                g = BigInteger.ONE.shiftLeft(shift).divide(ten.pow(-p));
            }
            g = g.add(BigInteger.ONE);
            HI[p - MIN_P] = g.shiftRight(63).longValue();
            LO[p - MIN_P] = g.longValue() & LOW63;
        }
    }

    private DoubleWriter() {
    }

    /** floor(q * log10(2)) for |q| <= 2000: log10(2) scaled by 2^41. */
    static int floorLog10Pow2(int q) {
        return (int) ((q * 661_971_961_083L) >> 41);
    }

    /** floor(log10(3/4 * 2^q)) for |q| <= 2000. */
    static int floorLog10ThreeQuartersPow2(int q) {
        return (int) ((q * 661_971_961_083L - 274_743_187_321L) >> 41);
    }

    /** floor(p * log2(10)) for |p| <= 2000: log2(10) scaled by 2^38. */
    static int floorLog2Pow10(int p) {
        return (int) ((p * 913_124_641_741L) >> 38);
    }

    /** Writes {@code v}; returns the position after the last byte. */
    static int write(byte[] buf, int pos, double v) {
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> 52) & 0x7ff;
        long frac = bits & 0xfffffffffffffL;
        if (biased == 0x7ff) {
            buf[pos] = '0';
            return pos + 1;
        }
        if (bits < 0) {
            buf[pos++] = '-';
        }
        if (biased == 0) {
            if (frac == 0) {
                buf[pos] = '0';
                return pos + 1;
            }
            return shortest(buf, pos, frac, -1074, false);
        }
        long c = frac | (1L << 52);
        int q = biased - 1075;
        // small integers: exact and shortest already
        if (q <= 0 && q > -53 && (c & ((1L << -q) - 1)) == 0) {
            return writeDigits(buf, pos, c >> -q, 0);
        }
        return shortest(buf, pos, c, q, frac == 0 && biased > 1);
    }

    /** v = c * 2^q; {@code irregular} when the gap below v is half the gap above (c = 2^52). */
    private static int shortest(byte[] buf, int pos, long c, int q, boolean irregular) {
        long out = c & 1; // odd significand: the interval is open (ties on parse go to even)
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (irregular) {
            cbl = cb - 1;
            k = floorLog10ThreeQuartersPow2(q);
        } else {
            cbl = cb - 2;
            k = floorLog10Pow2(q);
        }
        int i = -k - MIN_P;
        long g1 = HI[i];
        long g0 = LO[i];
        int h = q + floorLog2Pow10(-k) + 2;
        // 4 * v / 10^k and the interval bounds in the same unit, rounded to odd
        long vb = roundToOdd(g1, g0, cb << h);
        long vbl = roundToOdd(g1, g0, cbl << h);
        long vbr = roundToOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        // Neighbours of v on the 10^(k+1) grid (one digit shorter). Unlike Java's Double.toString, which
        // wants two digits at least, Go-style shortest also takes this for tiny s: 5e-324, not 4.9e-324.
        // sp = 0 is never inside the interval of a positive v.
        long sp = s / 10 * 10;
        long tp = sp + 10;
        boolean upIn = vbl + out <= sp << 2;
        boolean wpIn = (tp << 2) + out <= vbr;
        if (upIn != wpIn) {
            return writeDigits(buf, pos, upIn ? sp : tp, k);
        }
        long t = s + 1;
        boolean uIn = vbl + out <= s << 2;
        boolean wIn = (t << 2) + out <= vbr;
        if (uIn != wIn) {
            return writeDigits(buf, pos, uIn ? s : t, k);
        }
        long cmp = vb - ((s + t) << 1); // v against the midpoint of s and t
        return writeDigits(buf, pos, cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k);
    }

    /**
     * Round to odd of {@code g * cp / 2^127} with {@code g = g1 * 2^63 + g0}: the integer part, with its
     * lowest bit set when anything non-zero was cut off. Comparisons of such values with even integers
     * are the same as those of the exact products.
     */
    private static long roundToOdd(long g1, long g0, long cp) {
        long x1 = multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long integer = y1 + (z >>> 63);
        long sticky = ((z & LOW63) + LOW63) >>> 63;
        return integer | sticky;
    }

    /** High 64 bits of the 128-bit product of two non-negative longs (Java 8 has no Math.multiplyHigh). */
    static long multiplyHigh(long a, long b) {
        long aHi = a >>> 32;
        long aLo = a & 0xffffffffL;
        long bHi = b >>> 32;
        long bLo = b & 0xffffffffL;
        long lolo = aLo * bLo;
        long hilo = aHi * bLo;
        long lohi = aLo * bHi;
        long mid = (lolo >>> 32) + (hilo & 0xffffffffL) + (lohi & 0xffffffffL);
        return aHi * bHi + (hilo >>> 32) + (lohi >>> 32) + (mid >>> 32);
    }

    /** Writes {@code f * 10^e} (f > 0) in Go's 'g' shortest layout. */
    static int writeDigits(byte[] buf, int pos, long f, int e) {
        if (f == 0) {
            buf[pos] = '0';
            return pos + 1;
        }
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        int n = Numbers.digits(f);
        int exp = e + n - 1; // exponent of the leading digit
        if (exp < -4 || exp >= 21) {
            int end = pos + n + (n > 1 ? 1 : 0);
            writeBackwards(buf, pos, f, n);
            if (n > 1) {
                System.arraycopy(buf, pos + 1, buf, pos + 2, n - 1);
                buf[pos + 1] = '.';
            }
            buf[end++] = 'e';
            buf[end++] = (byte) (exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                buf[end++] = '0';
            }
            return Numbers.writeLong(buf, end, a);
        }
        if (exp < 0) {
            buf[pos++] = '0';
            buf[pos++] = '.';
            for (int z = -exp - 1; z > 0; z--) {
                buf[pos++] = '0';
            }
            writeBackwards(buf, pos, f, n);
            return pos + n;
        }
        if (e >= 0) {
            writeBackwards(buf, pos, f, n);
            pos += n;
            for (int z = 0; z < e; z++) {
                buf[pos++] = '0';
            }
            return pos;
        }
        int intDigits = exp + 1;
        writeBackwards(buf, pos, f, n);
        System.arraycopy(buf, pos + intDigits, buf, pos + intDigits + 1, n - intDigits);
        buf[pos + intDigits] = '.';
        return pos + n + 1;
    }

    private static void writeBackwards(byte[] buf, int pos, long f, int n) {
        for (int i = pos + n - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (int) (f % 10));
            f /= 10;
        }
    }
}
