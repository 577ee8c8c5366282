package io.dsdagent.agent.encode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, independent reading of one DogStatsD message by the rules of {@code shared/protocol.md}
 * (what the Datadog Agent accepts unchanged, §2-§4 and §7, plus the backend naming rules of §6 that we
 * promise). It throws {@link AssertionError} naming the broken rule, and returns what it parsed so tests
 * can check that nothing was added, cut or altered. Written from the spec, not from the encoder.
 * {@link #checkPacket} reads a whole datagram or stream frame. Public, and free of agent classes, so
 * the forked-JVM tests of {@code integration-tests} use the same rules (through the agent's test jar).
 */
public final class WireChecker {
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,199}");
    static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?(e[+-][0-9]{2,3})?");
    static final Set<String> TYPES = new HashSet<>(Arrays.asList("c", "g", "ms", "h", "s", "d"));

    /** What a message said. */
    public static final class Parsed {
        public String kind; // metric, event, service_check
        public String name;
        public String type;
        public List<String> values = new ArrayList<>();
        public List<String> tags = new ArrayList<>();
        public String title;
        public String text;
        public String message;
        public String rate;
        public String timestamp;
    }

    private WireChecker() {
    }

    /**
     * A datagram or stream frame's payload (§1, §7.1, §7.9, §7.10): not empty, at most {@code max} bytes
     * (and never over 8192), every message ending in {@code \n}, no empty message; each message checked.
     */
    public static List<Parsed> checkPacket(byte[] payload, int max) {
        String p = new String(payload, StandardCharsets.UTF_8);
        if (payload.length == 0 || payload.length > Math.min(max, 8192)) {
            fail(p, "packet of " + payload.length + " bytes (max " + Math.min(max, 8192) + ")");
        }
        if (payload[payload.length - 1] != '\n') {
            fail(p, "last message not terminated by a newline");
        }
        List<Parsed> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == '\n') {
                if (i == start) {
                    fail(p, "empty message");
                }
                out.add(check(Arrays.copyOfRange(payload, start, i)));
                start = i + 1;
            }
        }
        return out;
    }

    public static Parsed check(byte[] msg) {
        String s = utf8(msg);
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                fail(s, "newline inside a message");
            }
        }
        Parsed p = s.startsWith("_e{") ? event(msg, s) : s.startsWith("_sc") ? serviceCheck(s) : metric(s);
        noControlBytes(s, p);
        return p;
    }

    /**
     * §7.11: no byte below 0x20 and no 0x7F anywhere; a tab only inside an event's text or a service
     * check's message (the only free-text fields).
     */
    private static void noControlBytes(String s, Parsed p) {
        String free = p.text != null ? p.text : p.message != null ? p.message : "";
        int tabsAllowed = 0;
        for (int i = 0; i < free.length(); i++) {
            tabsAllowed += free.charAt(i) == '\t' ? 1 : 0;
        }
        int tabs = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t') {
                tabs++;
            } else if (c < 0x20 || c == 0x7f) {
                fail(s, "control byte 0x" + Integer.toHexString(c));
            }
        }
        if (tabs > tabsAllowed) {
            fail(s, "tab outside an event text or service check message");
        }
    }

    private static Parsed metric(String s) {
        Parsed p = new Parsed();
        p.kind = "metric";
        int colon = s.indexOf(':');
        int bar = s.indexOf('|');
        if (colon < 0 || bar < 0 || colon > bar) {
            fail(s, "metric needs name:value|type");
        }
        p.name = s.substring(0, colon);
        if (!NAME.matcher(p.name).matches()) {
            fail(s, "name breaks the backend rule or is over 200 characters");
        }
        String[] fields = s.substring(colon + 1).split("\\|", -1);
        if (fields.length < 2) {
            fail(s, "no type");
        }
        p.type = fields[1];
        if (!TYPES.contains(p.type)) {
            fail(s, "unknown type " + p.type);
        }
        if (p.type.equals("s")) {
            if (fields[0].isEmpty()) {
                fail(s, "empty set member");
            }
            p.values.add(fields[0]);
        } else {
            for (String v : fields[0].split(":", -1)) {
                if (!NUMBER.matcher(v).matches()) {
                    fail(s, "value '" + v + "' is not a plain number");
                }
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    fail(s, "NaN or infinite value");
                }
                p.values.add(v);
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 2; i < fields.length; i++) {
            String f = fields[i];
            String key = f.startsWith("@") ? "@" : f.startsWith("#") ? "#" : f.startsWith("T") ? "T"
                    : f.startsWith("c:") ? "c:" : f.startsWith("e:") ? "e:" : f.startsWith("card:") ? "card:" : null;
            if (key == null) {
                fail(s, "unknown or empty field '" + f + "'");
            }
            if (!seen.add(key)) {
                fail(s, "field " + key + " twice");
            }
            if (key.equals("@")) {
                p.rate = f.substring(1);
                double r = Double.parseDouble(p.rate);
                if (!NUMBER.matcher(p.rate).matches() || !(r > 0 && r < 1)) {
                    fail(s, "rate outside (0,1)");
                }
            } else if (key.equals("#")) {
                tags(s, f.substring(1), p.tags);
            } else if (key.equals("T")) {
                p.timestamp = f.substring(1);
                if (!p.timestamp.matches("[1-9][0-9]{0,10}")) {
                    fail(s, "timestamp not positive seconds (milliseconds are read as seconds)");
                }
                if (!p.type.equals("c") && !p.type.equals("g")) {
                    fail(s, "timestamp on a type the Agent discards");
                }
            }
        }
        if (p.rate != null && p.timestamp != null) {
            fail(s, "rate together with a timestamp");
        }
        return p;
    }

    private static void tags(String s, String field, List<String> out) {
        if (field.isEmpty()) {
            fail(s, "empty tags field");
        }
        for (String t : field.split(",", -1)) {
            if (t.isEmpty()) {
                fail(s, "empty tag");
            }
            if (t.codePointCount(0, t.length()) > 200) {
                fail(s, "tag over 200 characters");
            }
            if (t.equals("host:")) {
                fail(s, "host: with an empty value empties the sample's hostname");
            }
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '#') {
                    fail(s, "control character or # in a tag");
                }
            }
            out.add(t);
        }
    }

    private static Parsed event(byte[] msg, String s) {
        Parsed p = new Parsed();
        p.kind = "event";
        int close = s.indexOf("}:");
        if (close < 0) {
            fail(s, "event header");
        }
        String[] lens = s.substring(3, close).split(",", -1);
        if (lens.length != 2 || !lens[0].matches("[1-9][0-9]*") || !lens[1].matches("0|[1-9][0-9]*")) {
            fail(s, "event lengths");
        }
        int tl = Integer.parseInt(lens[0]);
        int xl = Integer.parseInt(lens[1]);
        int start = close + 2; // header is ASCII: char index == byte index
        if (msg.length < start + tl + 1 + xl) {
            fail(s, "event shorter than its lengths");
        }
        p.title = utf8(Arrays.copyOfRange(msg, start, start + tl));
        if (msg[start + tl] != '|') {
            fail(s, "no | after the title (wrong title length)");
        }
        p.text = utf8(Arrays.copyOfRange(msg, start + tl + 1, start + tl + 1 + xl));
        String rest = utf8(Arrays.copyOfRange(msg, start + tl + 1 + xl, msg.length));
        if (!rest.isEmpty() && !rest.startsWith("|")) {
            fail(s, "text runs on past its length");
        }
        fields(s, rest, new String[] {"d:", "h:", "k:", "p:", "s:", "t:", "#", "c:", "e:", "card:"}, p);
        return p;
    }

    private static Parsed serviceCheck(String s) {
        Parsed p = new Parsed();
        p.kind = "service_check";
        String[] f = s.split("\\|", 4);
        if (f.length < 3 || !f[0].equals("_sc") || f[1].isEmpty() || !f[2].matches("[0-3]")) {
            fail(s, "service check head");
        }
        p.name = f[1];
        fields(s, f.length == 4 ? "|" + f[3] : "", new String[] {"d:", "h:", "#", "c:", "e:", "card:", "m:"}, p);
        return p;
    }

    private static void fields(String s, String rest, String[] allowed, Parsed p) {
        if (rest.isEmpty()) {
            return;
        }
        String[] fs = rest.substring(1).split("\\|", -1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < fs.length; i++) {
            String f = fs[i];
            String key = null;
            for (String a : allowed) {
                if (f.startsWith(a)) {
                    key = a;
                    break;
                }
            }
            if (key == null || f.length() == key.length() || !seen.add(key)) {
                fail(s, "bad, empty or repeated field '" + f + "'");
            }
            if (key.equals("#")) {
                tags(s, f.substring(1), p.tags);
            } else if (key.equals("m:")) {
                if (i != fs.length - 1) {
                    fail(s, "m: is not last");
                }
                p.message = f.substring(2);
            } else if (key.equals("d:") && !f.substring(2).matches("[1-9][0-9]*")) {
                fail(s, "d: not positive seconds");
            } else if (key.equals("p:") && !f.equals("p:low") && !f.equals("p:normal")) {
                fail(s, "priority");
            } else if (key.equals("t:") && !f.matches("t:(error|warning|info|success)")) {
                fail(s, "alert type");
            }
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not UTF-8: " + Arrays.toString(b));
        }
    }

    private static void fail(String msg, String rule) {
        throw new AssertionError(rule + ": " + msg);
    }
}
