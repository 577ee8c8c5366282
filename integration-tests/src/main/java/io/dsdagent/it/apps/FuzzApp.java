package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Event;
import io.dsdagent.api.Gauge;
import io.dsdagent.api.Histogram;
import io.dsdagent.api.ServiceCheckStatus;
import io.dsdagent.api.SetMetric;

import java.util.SplittableRandom;

/**
 * A seeded fuzz of the public API: {@code FuzzApp SEED INPUTS} makes INPUTS hostile calls (names, tags,
 * values, set members, events, service checks built from every wire character, control bytes, unicode,
 * lone surrogates, 10,000-character strings, nulls where the API takes them, NaN, infinities,
 * {@code Long.MIN_VALUE}/{@code MAX_VALUE}), with well-formed calls mixed in through handles registered
 * first, so they stay inside the context cap. Any exception the application sees is counted; at the
 * end it prints {@code exceptions N} and the exact well-formed totals:
 * {@code ok count C hist H set S gauge G}.
 */
public final class FuzzApp {
    private static final String WIRE = "|,#:@\n\r\t{}_ \\.Tce";
    private static final String[] SPECIAL = {"host:", "host", "_sc", "_e{1,1}", "_sc|x|0", "a:b:c", "#", "|", ",",
        "\u0000", "\u007f", "\u0085", "\u2028", "\uD800", "\uDC00", "\uDBFF\uDFFF", "é", "\uD83D\uDE00", ""};
    private static final double[] DOUBLES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e300, -1e-300, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final long[] LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};

    public static void main(String[] args) throws Exception {
        SplittableRandom r = new SplittableRandom(Long.parseLong(args[0]));
        int inputs = Integer.parseInt(args[1]);
        Counter okCount = DsdMetrics.counter("fuzz.ok.count", "kind:ok");
        Histogram okHist = DsdMetrics.histogram("fuzz.ok.hist", "kind:ok");
        SetMetric okSet = DsdMetrics.set("fuzz.ok.set", "kind:ok");
        Gauge okGauge = DsdMetrics.gauge("fuzz.ok.gauge", "kind:ok");
        long count = 0;
        long hist = 0;
        long gauge = 0;
        int exceptions = 0;
        for (int i = 0; i < inputs; i++) {
            try {
                hostileCall(r);
            } catch (Throwable t) {
                if (exceptions++ < 5) {
                    t.printStackTrace();
                }
            }
            if (i % 10 == 0) { // well-formed, exact
                okCount.increment(3);
                count += 3;
                okHist.record(i);
                hist++;
                okSet.add("m" + (i / 10 % 50));
                gauge = i;
                okGauge.set(gauge);
            }
            if (i % 1000 == 999) {
                Thread.sleep(5); // the agent drains events at each 100 ms tick from a queue of 1024
            }
        }
        System.out.println("exceptions " + exceptions);
        System.out.println("ok count " + count + " hist " + hist + " set 50 gauge " + gauge);
        System.out.flush();
    }

    private static void hostileCall(SplittableRandom r) {
        String[] tags = r.nextInt(8) == 0 ? null : tags(r);
        switch (r.nextInt(10)) {
            case 0:
                DsdMetrics.counter(name(r), tags).increment(r.nextBoolean() ? LONGS[r.nextInt(LONGS.length)] : r.nextLong());
                break;
            case 1:
                DsdMetrics.gauge(name(r), tags).set(value(r));
                break;
            case 2:
                DsdMetrics.histogram(name(r), tags).record(value(r));
                break;
            case 3:
                DsdMetrics.distribution(name(r), tags).record(value(r));
                break;
            case 4:
                DsdMetrics.timer(name(r), tags).record(r.nextBoolean() ? LONGS[r.nextInt(LONGS.length)] : r.nextLong());
                break;
            case 5:
                SetMetric s = DsdMetrics.set(name(r), tags);
                if (r.nextBoolean()) {
                    s.add(text(r));
                } else {
                    s.add(LONGS[r.nextInt(LONGS.length)]);
                }
                break;
            case 6:
                DsdMetrics.count(name(r), r.nextLong(), tags);
                DsdMetrics.gauge(name(r), value(r), tags);
                break;
            case 7:
                DsdMetrics.event(text(r), text(r), tags);
                break;
            case 8:
                DsdMetrics.event(r.nextInt(20) == 0 ? null : Event.of(text(r), text(r)).timestamp(r.nextLong())
                        .hostname(text(r)).aggregationKey(text(r)).priority(r.nextBoolean() ? "low" : text(r))
                        .sourceType(text(r)).alertType(r.nextBoolean() ? "error" : text(r)).tags(tags));
                break;
            default:
                ServiceCheckStatus[] st = ServiceCheckStatus.values();
                DsdMetrics.serviceCheck(text(r), r.nextInt(10) == 0 ? null : st[r.nextInt(st.length)], text(r), tags);
        }
    }

    private static double value(SplittableRandom r) {
        return r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)] : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-20, 20));
    }

    private static String[] tags(SplittableRandom r) {
        String[] t = new String[r.nextInt(6)];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(20) == 0 ? null : text(r);
        }
        return t;
    }

    /** A name: mostly hostile, sometimes null. */
    private static String name(SplittableRandom r) {
        return r.nextInt(50) == 0 ? null : text(r);
    }

    /** A hostile string: up to 40 characters, one in 200 of 10,000 characters, one in 200 null. */
    private static String text(SplittableRandom r) {
        int k = r.nextInt(200);
        if (k == 0) {
            return null;
        }
        if (k < 4) {
            return SPECIAL[r.nextInt(SPECIAL.length)];
        }
        int n = k == 199 ? 10_000 : r.nextInt(40);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0: sb.append((char) r.nextInt(0x20)); break; // control bytes
                case 1: sb.append('\u007f'); break;
                case 2: sb.append(WIRE.charAt(r.nextInt(WIRE.length()))); break;
                case 3: sb.append((char) r.nextInt(0x10000)); break; // any BMP char, lone surrogates included
                case 4: sb.appendCodePoint(0x10000 + r.nextInt(0x100000 - 0x10000)); break;
                case 5: sb.append((char) (0xD800 + r.nextInt(0x800))); break; // a lone surrogate
                default: sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        return sb.toString();
    }
}
