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
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile names, tag keys/values, set members, event titles/texts and service check messages (every
 * byte value, characters the wire uses, non-ASCII, broken surrogates, long strings) go through the real
 * registry and packer; every message that comes out must pass {@link WireChecker}, and say exactly what
 * went in: same number of messages, values, tags, and (for events) the same title and text.
 */
class HostileInputTest {
    private static final String WIRE = "|,#:\n\r@T{}_ \\.";

    private static char hostileChar(SplittableRandom r, StringBuilder sb) {
        switch (r.nextInt(7)) {
            case 0: return (char) r.nextInt(256); // every byte value
            case 1: return WIRE.charAt(r.nextInt(WIRE.length()));
            case 2: return (char) ('a' + r.nextInt(26));
            case 3: return (char) r.nextInt(0x10000); // any BMP char, broken surrogates included
            case 4: sb.append('\uD83D'); return '\uDE00'; // a well-formed pair
            case 5: return (char) ('0' + r.nextInt(10));
            default: return "éüЖ中☃".charAt(r.nextInt(5));
        }
    }

    private static String hostile(SplittableRandom r) {
        int n = r.nextInt(10) == 0 ? 150 + r.nextInt(400) : r.nextInt(20);
        StringBuilder sb = new StringBuilder(n + 2);
        for (int i = 0; i < n; i++) {
            sb.append(hostileChar(r, sb));
        }
        return sb.toString();
    }

    @Test
    void noInputCanAddCutOrAlterAField() {
        for (int max : new int[] {1432, 8192}) {
            run(new SplittableRandom(max), max);
        }
    }

    private void run(SplittableRandom r, int max) {
        Telemetry telemetry = new Telemetry();
        List<String> constants = Arrays.asList(hostile(r), hostile(r), "env:prod");
        Registry registry = new Registry(100_000, 1, constants, telemetry);
        String[] constantTags = registry.constantTags();
        CapturingTransport tr = new CapturingTransport(max);
        Packer p = new Packer(tr, telemetry, "|c:abc|card:low".getBytes(StandardCharsets.US_ASCII));
        List<Object[]> expected = new ArrayList<>(); // kind, ctx or title, values or text
        int[] types = {Registry.COUNT, Registry.GAUGE, Registry.TIMER, Registry.HISTOGRAM, Registry.DISTRIBUTION, Registry.SET};
        for (int i = 0; i < 3000; i++) {
            int what = r.nextInt(8);
            if (what < 6) {
                String[] tags = new String[r.nextInt(5)];
                for (int t = 0; t < tags.length; t++) {
                    tags[t] = hostile(r);
                }
                int id = registry.register(types[what], hostile(r), tags);
                ContextInfo ctx = registry.get(id);
                if (ctx.type == Registry.COUNT || ctx.type == Registry.GAUGE) {
                    long v = r.nextLong(-1000, 1000);
                    p.timestamped(ctx, ctx.type == Registry.GAUGE, ctx.type == Registry.GAUGE
                            ? Double.doubleToRawLongBits(v / 8.0) : v, 1_700_000_000L + i);
                    expected.add(new Object[] {"metric", ctx, 1});
                } else if (ctx.type == Registry.SET) {
                    p.setMember(ctx, hostile(r));
                    expected.add(new Object[] {"metric", ctx, 1});
                } else {
                    int n = 1 + r.nextInt(300);
                    long[] v = new long[n];
                    for (int k = 0; k < n; k++) {
                        v[k] = ctx.nanos ? r.nextLong(0, 10_000_000_000L) : Double.doubleToRawLongBits(r.nextDouble() * 1e6 - 5e5);
                    }
                    p.packed(ctx, v, 0, n, ctx.nanos ? Packer.NANOS : Packer.DOUBLE_BITS,
                            SampleRates.compute(1 + r.nextInt(5)));
                    expected.add(new Object[] {"metric", ctx, n});
                }
            } else if (what == 6) {
                String title = hostile(r);
                String text = hostile(r);
                byte[] e = EventEncoder.event(title, text, r.nextInt(3) - 1, hostile(r), hostile(r),
                        r.nextBoolean() ? "low" : hostile(r), hostile(r), r.nextBoolean() ? "error" : hostile(r),
                        new String[] {hostile(r), hostile(r)}, constantTags, "|c:abc".getBytes(StandardCharsets.US_ASCII), 8191);
                p.raw(e, e.length);
                expected.add(new Object[] {"event", title.isEmpty() ? "event" : title, text, e.length});
            } else {
                byte[] sc = EventEncoder.serviceCheck(hostile(r), r.nextInt(-2, 6), r.nextInt(3) - 1, hostile(r),
                        hostile(r), new String[] {hostile(r)}, constantTags, "|c:abc".getBytes(StandardCharsets.US_ASCII), 8191);
                p.raw(sc, sc.length);
                expected.add(new Object[] {"service_check", null, null, sc.length});
            }
        }
        p.flush();

        List<WireChecker.Parsed> got = new ArrayList<>();
        for (byte[] d : tr.datagrams) {
            assertTrue(d.length <= max, "datagram over " + max);
            assertEquals('\n', d[d.length - 1]);
            int start = 0;
            for (int i = 0; i < d.length; i++) {
                if (d[i] == '\n') {
                    got.add(WireChecker.check(Arrays.copyOfRange(d, start, i)));
                    start = i + 1;
                }
            }
        }
        int g = 0;
        long tooLarge = 0;
        for (Object[] e : expected) {
            if (e[0].equals("metric")) {
                ContextInfo ctx = (ContextInfo) e[1];
                int values = 0;
                while (values < (Integer) e[2]) {
                    WireChecker.Parsed m = got.get(g++);
                    assertEquals(ctx.name, m.name);
                    TreeSet<String> tags = new TreeSet<>(Arrays.asList(ctx.tags));
                    tags.addAll(Arrays.asList(constantTags));
                    assertEquals(new ArrayList<>(tags), m.tags, "tags of " + ctx.name);
                    values += m.values.size();
                }
                assertEquals(e[2], values, "values of " + ctx.name);
            } else if ((Integer) e[3] + 1 > max) {
                tooLarge++;
            } else {
                WireChecker.Parsed m = got.get(g++);
                assertEquals(e[0], m.kind);
                if (e[0].equals("event")) {
                    assertEquals(escaped((String) e[1], false), m.title);
                    assertEquals(escaped((String) e[2], true), m.text);
                }
            }
        }
        assertEquals(got.size(), g, "no extra messages");
        assertEquals(tooLarge, telemetry.dropped(Telemetry.Drop.MESSAGE_TOO_LARGE));
    }

    /**
     * What an event title/text must read as: newlines as backslash-n; broken surrogates and control
     * characters as _, except a tab in a text.
     */
    private static String escaped(String s, boolean keepTab) {
        String t = s.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < t.length() && Character.isLowSurrogate(t.charAt(i + 1))) {
                sb.append(c).append(t.charAt(++i));
            } else {
                boolean control = (c < 0x20 || c == 0x7f) && !(keepTab && c == '\t');
                sb.append(Character.isSurrogate(c) || control ? '_' : c);
            }
        }
        return sb.toString();
    }

    @Test
    void checkerRejectsWhatTheRulesForbid() {
        for (String bad : new String[] {"a:b:1|c", "1a:1|c", "a:NaN|g", "a:1|h|T5", "a:1|c|@0.5|T5", "a:1|c|#x,,y",
                "a:1|x", "_sc|n|7", "_sc|n|1|m:a|h:b", "a: 1|c", "a:1,5|g"}) {
            boolean rejected = false;
            try {
                WireChecker.check(bad.getBytes(StandardCharsets.UTF_8));
            } catch (AssertionError expected) {
                rejected = true;
            }
            assertTrue(rejected, bad);
        }
        WireChecker.check("_e{4,2}:a|bc|xy|p:low".getBytes(StandardCharsets.UTF_8));
    }
}
