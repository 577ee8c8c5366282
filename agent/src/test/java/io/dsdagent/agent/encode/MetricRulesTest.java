package io.dsdagent.agent.encode;

import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One test per rule of {@code shared/protocol.md} §2 and §7 for metrics: the exact bytes the real
 * registry and packer send for input that would break the rule, and {@link WireChecker} rejecting the
 * message that breaks it (so the checker the fuzz tests rely on holds the rule too). Numbers, sample
 * rates and timestamps have their own tests in {@link EncoderRulesTest}.
 */
class MetricRulesTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(1000, 1, Collections.singletonList("env:prod"), telemetry);
    private final CapturingTransport transport = new CapturingTransport(1432);
    private final Packer packer = new Packer(transport, telemetry, null);

    private void count(String name, String... tags) {
        packer.timestamped(registry.get(registry.register(Registry.COUNT, name, tags)), false, 1, 0);
    }

    /** What went out; every datagram passes the checker. */
    private String sent() {
        packer.flush();
        for (byte[] d : transport.datagrams) {
            WireChecker.checkPacket(d, 1432);
        }
        return transport.all();
    }

    private static void rejected(String message) {
        assertThrows(AssertionError.class, () -> WireChecker.check(message.getBytes(StandardCharsets.UTF_8)), message);
    }

    @Test
    void s2AColonInANameWouldSplitItSoItBecomesAnUnderscore() {
        count("my:metric");
        assertEquals("my_metric:1|c|#env:prod\n", sent());
        rejected("my:metric:1|c");
    }

    @Test
    void s2NamesFollowTheBackendRuleAndNeverLookLikeAnEventOrServiceCheck() {
        count("_sc.check");
        count("_e{1,1}");
        count("h\u00e9llo\u0007w\u007forld");
        assertEquals("m._sc.check:1|c|#env:prod\nm._e_1_1_:1|c|#env:prod\nh_llo_w_orld:1|c|#env:prod\n", sent());
        rejected("_scores:1|c");
    }

    @Test
    void s2TypeIsOneOfTheSixLowerCaseOnes() {
        int[] types = {Registry.COUNT, Registry.GAUGE, Registry.TIMER, Registry.HISTOGRAM, Registry.DISTRIBUTION};
        for (int type : types) {
            packer.timestamped(registry.get(registry.register(type, "t")), type != Registry.COUNT,
                    type == Registry.COUNT ? 1 : Double.doubleToRawLongBits(1), 0);
        }
        packer.setMember(registry.get(registry.register(Registry.SET, "t")), "1");
        assertEquals("t:1|c|#env:prod\nt:1|g|#env:prod\nt:1|ms|#env:prod\nt:1|h|#env:prod\nt:1|d|#env:prod\n"
                + "t:1|s|#env:prod\n", sent());
        rejected("t:1|C");
        rejected("t:1|MS");
    }

    @Test
    void s2PackedValuesHaveNoEmptyItems() {
        long[] v = {Double.doubleToRawLongBits(1), Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(2)};
        packer.packed(registry.get(registry.register(Registry.HISTOGRAM, "h")), v, 0, 3, Packer.DOUBLE_BITS, 1);
        assertEquals("h:1:2|h|#env:prod\n", sent());
        rejected("h:1::2|h");
        rejected("h::1|h");
    }

    @Test
    void s2SetMembersAreNeverUnpackedSoAColonStaysAndControlBytesGo() {
        packer.setMember(registry.get(registry.register(Registry.SET, "users")), "a:b|c\u0001\t");
        assertEquals("users:a:b_c__|s|#env:prod\n", sent());
        rejected("users:a\u0001|s");
    }

    @Test
    void s2NoEmptyOrRepeatedOptionalFields() {
        count("a", "", null, "env:prod"); // an empty tag, a null and a constant tag repeated
        assertEquals("a:1|c|#env:prod\n", sent());
        rejected("a:1|c|");
        rejected("a:1|c||#x");
        rejected("a:1|c|#a|#b");
    }

    @Test
    void s2TagsHaveNoEscapingSoCommaBarHashAndNewlineBecomeUnderscores() {
        count("a", "k:v,w", "x|y", "#z", "n\nl");
        assertEquals("a:1|c|#_z,env:prod,k:v_w,n_l,x_y\n", sent());
        rejected("a:1|c|#x,,y");
        rejected("a:1|c|#x#y");
    }

    @Test
    void s7_12AHostTagWithAnEmptyValueIsDroppedAndANamedHostKept() {
        count("a", "host:");
        count("b", "host:web-1");
        assertEquals("", Sanitizer.tag("host", ""));
        assertEquals("a:1|c|#env:prod\nb:1|c|#env:prod,host:web-1\n", sent());
        rejected("a:1|c|#host:");
        rejected("a:1|c|#env:prod,host:");
    }

    @Test
    void s7_11NoControlByteInANameTagOrMember() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f');
        count("n" + all, "k" + all + ":v" + all);
        char[] underscores = new char[33];
        Arrays.fill(underscores, '_');
        String u = new String(underscores);
        assertEquals("n" + u + ":1|c|#env:prod,k" + u + ":v" + u + "\n", sent());
        rejected("a:1|c|#k:v\u0000");
        rejected("a:1|c|#k:v\t");
        rejected("a\u007f:1|c");
    }

    @Test
    void s7_1AMessageThatFillsTheDatagramExactlyFitsAndOneByteMoreIsDroppedAndCounted() {
        CapturingTransport small = new CapturingTransport(20);
        Packer p = new Packer(small, telemetry, null);
        Registry bare = new Registry(10, 1, Collections.<String>emptyList(), telemetry);
        p.timestamped(bare.get(bare.register(Registry.COUNT, "abcdefghijklmno")), false, 1, 0); // 19 bytes + \n
        p.timestamped(bare.get(bare.register(Registry.COUNT, "abcdefghijklmnop")), false, 1, 0); // 21
        p.flush();
        assertEquals("abcdefghijklmno:1|c\n", small.all());
        assertEquals(1, telemetry.dropped(Telemetry.Drop.MESSAGE_TOO_LARGE));
        assertThrows(AssertionError.class, () -> WireChecker.checkPacket(new byte[21], 20));
    }

    @Test
    void s7_10EveryMessageEndsWithANewlineAndNoneIsEmpty() {
        count("a");
        count("b");
        assertEquals("a:1|c|#env:prod\nb:1|c|#env:prod\n", sent());
        assertThrows(AssertionError.class, () -> WireChecker.checkPacket("a:1|c".getBytes(StandardCharsets.UTF_8), 1432));
        assertThrows(AssertionError.class, () -> WireChecker.checkPacket("a:1|c\n\nb:1|c\n".getBytes(StandardCharsets.UTF_8), 1432));
    }
}
