package io.dsdagent.agent.encode;

import io.dsdagent.agent.aggregate.SampleRates;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per encoding rule of issue 3 and {@code shared/protocol.md}, byte-exact. */
class EncoderRulesTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(1000, 1, Collections.<String>emptyList(), telemetry);

    private ContextInfo ctx(int type, String name, String... tags) {
        return registry.get(registry.register(type, name, tags));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    @Test
    void namesKeepOnlyLettersDigitsUnderscoresAndDots() {
        assertEquals("my_metric_x_y_z", Sanitizer.name("my:metric|x#y\nz"));
        assertEquals("http.server.requests", Sanitizer.name("http.server.requests"));
        assertEquals("m_trique", Sanitizer.name("métrique"));
        assertEquals("a_b", Sanitizer.name("a\uD83D\uDE00b"), "one underscore per code point");
        assertEquals("a_b", Sanitizer.name("a\uD83Db"), "a broken surrogate is one character");
        assertEquals("unnamed", Sanitizer.name(""));
    }

    @Test
    void namesStartWithALetterSoNoMetricLooksLikeAnEventOrServiceCheck() {
        assertEquals("m.2xx", Sanitizer.name("2xx"));
        assertEquals("m._sc.check", Sanitizer.name("_sc.check"));
        assertEquals("m._e_1_2_", Sanitizer.name("_e{1,2}"));
        assertEquals("m._", Sanitizer.name("€"));
    }

    @Test
    void namesAreAtMost200Characters() {
        char[] c = new char[500];
        Arrays.fill(c, 'a');
        assertEquals(200, Sanitizer.name(new String(c)).length());
        c[0] = '1';
        String n = Sanitizer.name(new String(c));
        assertEquals(200, n.length());
        assertTrue(n.startsWith("m.1a"));
    }

    @Test
    void tagsLoseOnlyWhatBreaksTheWire() {
        assertEquals("a_b_c_d_e_f", Sanitizer.tag("a|b,c#d\ne\rf"));
        assertEquals("status:SUCCESS", Sanitizer.tag("status:SUCCESS"));
        assertEquals("ville:Zürich", Sanitizer.tag("ville:Zürich"));
        assertEquals("url:http://x/y?a=b c", Sanitizer.tag("url:http://x/y?a=b c"));
        assertEquals("k_ey:v:al", Sanitizer.tag("k:ey", "v:al"), "a colon in a key would move the split");
        assertEquals("a_b", Sanitizer.tag("a\uDC00b"), "broken surrogate");
        assertEquals("x_", Sanitizer.tag("x\u0001"));
        assertEquals("", Sanitizer.tag(""));
    }

    @Test
    void tagsAreAtMost200CharactersWithoutCuttingAPair() {
        StringBuilder sb = new StringBuilder("k:");
        while (sb.length() < 197) {
            sb.append('v');
        }
        sb.append("\uD83D\uDE00\uD83D\uDE00");
        String t = Sanitizer.tag(sb.toString());
        assertEquals(199, t.length());
        assertTrue(t.endsWith("v\uD83D\uDE00"));
    }

    @Test
    void timestampOnlyOnCountsAndGauges() {
        CapturingTransport tr = new CapturingTransport(1432);
        Packer p = new Packer(tr, telemetry, null);
        p.timestamped(ctx(Registry.COUNT, "c"), false, 3, 100);
        p.timestamped(ctx(Registry.GAUGE, "g"), true, bits(-2.5), 100);
        p.timestamped(ctx(Registry.HISTOGRAM, "h"), true, bits(1), 100);
        p.timestamped(ctx(Registry.DISTRIBUTION, "d"), true, bits(1), 100);
        p.flush();
        assertEquals("c:3|c|T100\ng:-2.5|g|T100\nh:1|h\nd:1|d\n", tr.all());
    }

    @Test
    void nanAndInfinityAreDroppedAndCounted() {
        CapturingTransport tr = new CapturingTransport(1432);
        Packer p = new Packer(tr, telemetry, null);
        p.timestamped(ctx(Registry.GAUGE, "g"), true, bits(Double.NaN), 100);
        p.packed(ctx(Registry.HISTOGRAM, "h"), new long[] {bits(Double.NaN), bits(1), bits(Double.POSITIVE_INFINITY),
                bits(2), bits(Double.NEGATIVE_INFINITY)}, 0, 5, Packer.DOUBLE_BITS, 1);
        p.flush();
        assertEquals("h:1:2|h\n", tr.all());
        assertEquals(4, telemetry.dropped(Telemetry.Drop.NAN));
    }

    @Test
    void numbersAreIntegersWithoutPointZeroOrShortestDecimals() {
        CapturingTransport tr = new CapturingTransport(1432);
        Packer p = new Packer(tr, telemetry, null);
        p.packed(ctx(Registry.HISTOGRAM, "h"), new long[] {bits(42.0), bits(-0.0), bits(0.1), bits(1e21), bits(1.5e-7),
                bits(-123456.789)}, 0, 6, Packer.DOUBLE_BITS, 1);
        p.packed(ctx(Registry.TIMER, "t"), new long[] {1_500_000L, 42L, 3_000_000_000L, 0, -2_000_000L}, 0, 5,
                Packer.NANOS, 1);
        p.flush();
        assertEquals("h:42:0:0.1:1e+21:1.5e-07:-123456.789|h\nt:1.5:0.000042:3000:0:-2|ms\n", tr.all());
    }

    @Test
    void fieldOrderIsRateTagsTimestampThenOrigin() {
        CapturingTransport tr = new CapturingTransport(1432);
        byte[] origin = "|c:abc|e:it-false,cn-app|card:low".getBytes(StandardCharsets.US_ASCII);
        Packer p = new Packer(tr, telemetry, origin);
        p.packed(ctx(Registry.HISTOGRAM, "h", "b:2", "a:1"), new long[] {bits(1)}, 0, 1, Packer.DOUBLE_BITS, 0.25);
        p.timestamped(ctx(Registry.COUNT, "c", "a:1"), false, 5, 1700000000L);
        p.flush();
        assertEquals("h:1|h|@0.25|#a:1,b:2|c:abc|e:it-false,cn-app|card:low\n"
                + "c:5|c|#a:1|T1700000000|c:abc|e:it-false,cn-app|card:low\n", tr.all());
    }

    @Test
    void sampleRatesMakeTheAgentCountEachWeightExactly() {
        byte[] buf = new byte[40];
        for (long w = 1; w <= 1_000_000; w++) {
            double r = SampleRates.compute(w);
            int n = DoubleWriter.write(buf, 0, r);
            double parsed = Double.parseDouble(new String(buf, 0, n, StandardCharsets.US_ASCII));
            assertEquals(w, (long) (1 / parsed), "weight " + w);
        }
        assertEquals(1.0, SampleRates.compute(1));
        assertTrue(SampleRates.compute(93) != 1.0 / 93, "1/93 reads back as weight 92");
    }

    @Test
    void packedLinesSplitToFitTheDatagramAndKeepEveryValue() {
        CapturingTransport tr = new CapturingTransport(64);
        Packer p = new Packer(tr, telemetry, null);
        long[] v = new long[200];
        for (int i = 0; i < v.length; i++) {
            v[i] = bits(i * 1.25);
        }
        p.packed(ctx(Registry.DISTRIBUTION, "dist.values", "k:v"), v, 0, v.length, Packer.DOUBLE_BITS, 1);
        p.flush();
        List<Double> got = new ArrayList<>();
        for (byte[] d : tr.datagrams) {
            assertTrue(d.length <= 64);
        }
        for (String m : tr.messages()) {
            assertTrue(m.startsWith("dist.values:") && m.endsWith("|d|#k:v"), m);
            for (String x : m.substring(12, m.length() - 7).split(":")) {
                got.add(Double.parseDouble(x));
            }
        }
        assertEquals(200, got.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(i * 1.25, got.get(i));
        }
    }

    @Test
    void aMessageThatCanNeverFitIsDroppedAndCounted() {
        CapturingTransport tr = new CapturingTransport(64);
        Packer p = new Packer(tr, telemetry, null);
        char[] c = new char[80];
        Arrays.fill(c, 't');
        p.timestamped(ctx(Registry.COUNT, "c", new String(c)), false, 1, 0);
        p.packed(ctx(Registry.HISTOGRAM, "h", new String(c)), new long[] {bits(1), bits(2)}, 0, 2, Packer.DOUBLE_BITS, 1);
        p.raw(new byte[70], 70);
        p.flush();
        assertEquals(0, tr.datagrams.size());
        assertEquals(4, telemetry.dropped(Telemetry.Drop.MESSAGE_TOO_LARGE));
    }

    @Test
    void setMembersAreSanitizedInPlace() {
        CapturingTransport tr = new CapturingTransport(1432);
        Packer p = new Packer(tr, telemetry, null);
        ContextInfo s = ctx(Registry.SET, "users");
        p.setMember(s, "a|b\nc:d,é\uD83D\uDE00");
        p.setMember(s, "");
        p.setMember(s, "x\uD800");
        p.flush();
        assertEquals("users:a_b_c:d,é\uD83D\uDE00|s\nusers:_|s\nusers:x_|s\n", tr.all());
    }

    @Test
    void eventWithEveryFieldCountsUtf8BytesAndEscapesNewlines() {
        byte[] e = EventEncoder.event("Né|w\r\nx", "line1\nline2\rline3 ☃", 1700000000L, "host|1", "key,1", "low",
                "java", "error", new String[] {"a:1", "b|2", "env:prod"}, new String[] {"env:prod", "service:web"},
                "|c:abc|card:high".getBytes(StandardCharsets.US_ASCII), 8191);
        String title = "Né|w\\nx";
        String text = "line1\\nline2\\nline3 ☃";
        assertEquals("_e{" + title.getBytes(StandardCharsets.UTF_8).length + "," + text.getBytes(StandardCharsets.UTF_8).length
                + "}:" + title + "|" + text + "|d:1700000000|h:host_1|k:key_1|p:low|s:java|t:error"
                + "|#a:1,b_2,env:prod,service:web|c:abc|card:high", str(e));
        assertEquals("_e{8,", str(e).substring(0, 5));
    }

    @Test
    void eventOmitsInvalidOptionalFieldsAndNeverHasAnEmptyTitle() {
        assertEquals("_e{5,0}:event|", str(EventEncoder.event("", null, -1, "", null, "urgent", null, "fatal",
                null, null, null, 8191)));
    }

    @Test
    void serviceCheckWithEveryFieldHasTheMessageLast() {
        byte[] sc = EventEncoder.serviceCheck("db|check\nx", 1, 1700000000L, "web-1", "timed out | retry\nlater",
                new String[] {"db:main"}, new String[] {"env:prod"}, "|c:abc|e:it-true".getBytes(StandardCharsets.US_ASCII), 8191);
        assertEquals("_sc|db_check_x|1|d:1700000000|h:web-1|#db:main,env:prod|c:abc|e:it-true|m:timed out _ retry\\nlater",
                str(sc));
        assertEquals("_sc|unnamed|3", str(EventEncoder.serviceCheck(null, 9, 0, null, "", null, null, null, 8191)));
    }
}
