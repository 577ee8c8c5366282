package io.dsdagent.agent.encode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per rule of {@code shared/protocol.md} §3 (events), §4 (service checks) and the §7 rules
 * they touch: the exact bytes {@link EventEncoder} sends for input that would break the rule, each
 * message passing {@link WireChecker}, and the checker rejecting the message that breaks it.
 */
class EventRulesTest {
    private static String event(String title, String text, int max) {
        return checked(EventEncoder.event(title, text, 0, null, null, null, null, null, null, null, null, max), max);
    }

    private static String serviceCheck(String name, int status, String host, String message, int max) {
        return checked(EventEncoder.serviceCheck(name, status, 0, host, message, null, null, null, max), max);
    }

    private static String checked(byte[] m, int max) {
        assertTrue(m.length <= max, m.length + " bytes");
        WireChecker.check(m);
        return new String(m, StandardCharsets.UTF_8);
    }

    private static void rejected(String message) {
        assertThrows(AssertionError.class, () -> WireChecker.check(message.getBytes(StandardCharsets.UTF_8)), message);
    }

    private static String repeat(String s, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(s);
        }
        return sb.toString();
    }

    @Test
    void s3_7_6LengthsAreUtf8BytesOfWhatIsSent() {
        assertEquals("_e{9,2}:é☃\uD83D\uDE00|ü", event("é☃\uD83D\uDE00", "ü", 8191));
        rejected("_e{3,1}:é☃|ü"); // UTF-16 lengths cut the snowman in half
        rejected("_e{1,1}:ab|c"); // a wrong length runs the title on into the text
    }

    @Test
    void s3_7_6AnEmptyTitleIsSentAsEventAndTheBarAfterTheTitleStaysWithAnEmptyText() {
        assertEquals("_e{5,0}:event|", event("", null, 8191));
        assertEquals("_e{5,0}:title|", event("title", "", 8191));
        rejected("_e{5,0}:title");
        rejected("_e{0,1}:|x");
    }

    @Test
    void s3ABarInsideATitleOrTextIsKeptBecauseTheLengthsSayWhereEachEnds() {
        assertEquals("_e{3,3}:a|b|c|d", event("a|b", "c|d", 8191));
    }

    @Test
    void s3NewlinesAreSentAsBackslashN() {
        assertEquals("_e{4,7}:a\\nb|c\\nd\\ne", event("a\nb", "c\r\nd\re", 8191));
        rejected("_e{3,1}:a\nb|c");
    }

    @Test
    void s3InvalidOptionalFieldsAreLeftOut() {
        byte[] e = EventEncoder.event("t", "x", -1, "", "", "urgent", "", "fatal", null, null, null, 8191);
        assertEquals("_e{1,1}:t|x", checked(e, 8191));
        e = EventEncoder.event("t", "x", 1700000000L, null, null, "low", null, "error", null, null, null, 8191);
        assertEquals("_e{1,1}:t|x|d:1700000000|p:low|t:error", checked(e, 8191));
        rejected("_e{1,1}:t|x|p:urgent");
        rejected("_e{1,1}:t|x|t:fatal");
        rejected("_e{1,1}:t|x|d:-1");
    }

    @Test
    void s7_11ControlBytesBecomeUnderscoresInEveryEventFieldAndTabSurvivesOnlyInTheText() {
        byte[] e = EventEncoder.event("a\u0001\tb", "c\u0000\td\u007f", 0, "h\u0002", "k\t", null, "s\u001f", null,
                new String[] {"t:\u0003"}, null, null, 8191);
        assertEquals("_e{4,5}:a__b|c_\td_|h:h_|k:k_|s:s_|#t:_", checked(e, 8191));
        rejected("_e{3,1}:a\tb|c");
        rejected("_e{1,2}:a|b\u0001");
        rejected("_e{1,1}:a|b|h:x\u0001");
    }

    @Test
    void s7_1AnEventTooLongForOneDatagramIsCutToFitTextFirstAndMarked() {
        assertEquals("_e{5,24}:title|" + repeat("x", 21) + "...", event("title", repeat("x", 100), 40));
        assertEquals("_e{26,3}:" + repeat("t", 23) + "...|...", event(repeat("t", 100), "body", 40));
        assertEquals("_e{18,0}:" + repeat("☃", 5) + "...|", event(repeat("☃", 20), "", 30)); // never half a character
        assertEquals("_e{1,7}:t|aaaa...", event("t", "aaaa\nbbbb", 19)); // never half an escaped newline
    }

    @Test
    void s4StatusOutside0To3IsSentAs3AndAnEmptyNameAsUnnamed() {
        assertEquals("_sc|unnamed|3", serviceCheck("", 7, null, null, 8191));
        assertEquals("_sc|db|2", serviceCheck("db", 2, null, "", 8191));
        rejected("_sc||0");
        rejected("_sc|n|4");
        rejected("_sc|n|OK");
    }

    @Test
    void s4_7_7TheMessageComesLastWithoutABar() {
        byte[] sc = EventEncoder.serviceCheck("db", 0, 1700000000L, "h", "a|b", new String[] {"t:1"}, null,
                "|c:abc".getBytes(StandardCharsets.US_ASCII), 8191);
        assertEquals("_sc|db|0|d:1700000000|h:h|#t:1|c:abc|m:a_b", checked(sc, 8191));
        rejected("_sc|db|0|m:a|h:b");
    }

    @Test
    void s7_11ControlBytesInAServiceCheckBecomeUnderscoresAndTabSurvivesInTheMessage() {
        assertEquals("_sc|d_b|0|h:h_|m:x_y\tz\\nw", serviceCheck("d\u0001b", 0, "h\t", "x\u0001y\tz\nw", 8191));
        rejected("_sc|d\tb|0");
        rejected("_sc|db|0|m:x\u0001");
    }

    @Test
    void s7_1AServiceCheckMessageTooLongForOneDatagramIsCutToFitAndMarked() {
        assertEquals("_sc|db|1|m:" + repeat("m", 16) + "...", serviceCheck("db", 1, null, repeat("m", 100), 30));
    }
}
