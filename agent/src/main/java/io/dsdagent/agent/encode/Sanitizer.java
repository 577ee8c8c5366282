package io.dsdagent.agent.encode;

/**
 * Makes names and tags safe for the wire, once, when a context is created (it allocates; the flush
 * only copies the resulting bytes). Nothing from outside (annotation values, request data, exception
 * names, environment variables) can add, cut or alter a DogStatsD field after this. Rules are those of
 * {@code shared/protocol.md} §2 and §6:
 *
 * <ul>
 * <li>Metric names follow the backend's {@code [A-Za-z][A-Za-z0-9_.]*}: every other code point becomes
 * one {@code _} (so a {@code :} can never split a name), a name that does not start with a letter gets
 * {@code m.} in front (as Micrometer's Datadog naming convention does; it also means no metric can start
 * with {@code _sc} or {@code _e{} and be taken for a service check or event), at most 200 characters.
 * <li>Tags keep their case and Unicode letters (the backend lowercases; DECISIONS: change only what
 * breaks the wire): {@code | , #}, control characters and broken surrogates become {@code _}; a
 * {@code :} in a key given separately becomes {@code _}; at most 200 characters, never cutting a
 * surrogate pair.
 * <li>Service check names, event hosts/keys/source types, set members and origin data: {@code |},
 * control characters and broken surrogates become {@code _}.
 * <li>A {@code host:} tag with an empty value is dropped: the Datadog Agent takes any {@code host:} tag
 * as the sample's hostname, and an empty one would leave the metric with no host at all. A
 * {@code host:<name>} tag is kept: it replaces the hostname, which a user may mean.
 * </ul>
 * One rule for control bytes everywhere: every byte below 0x20 and 0x7F becomes {@code _} (tab survives
 * only in event texts and service check messages, see {@link Utf8}); the Agent rejects none of them and
 * passes them on into what users see ({@code shared/protocol.md} §7.11).
 */
public final class Sanitizer {
    public static final int MAX_NAME = 200;
    public static final int MAX_TAG = 200;
    static final String NAME_PREFIX = "m.";

    private Sanitizer() {
    }

    /** A metric name; never empty. */
    public static String name(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "unnamed";
        }
        StringBuilder sb = new StringBuilder(Math.min(raw.length() + 2, MAX_NAME));
        if (!isAsciiLetter(raw.charAt(0))) {
            sb.append(NAME_PREFIX);
        }
        for (int i = 0; i < raw.length() && sb.length() < MAX_NAME; i++) {
            char c = raw.charAt(i);
            if (isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.') {
                sb.append(c);
            } else {
                sb.append('_');
                if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                    i++; // one code point, one underscore
                }
            }
        }
        return sb.toString();
    }

    /** A whole tag {@code key:value} (or a bare {@code value}); empty if nothing is left or it is {@code host:}. */
    public static String tag(String raw) {
        if (raw == null) {
            return "";
        }
        String t = clean(raw, MAX_TAG, false, true);
        return t.equals(EMPTY_HOST) ? "" : t;
    }

    /** A tag from its parts: a {@code :} in the key would move the split point, so it becomes {@code _}. */
    public static String tag(String key, String value) {
        String k = clean(key == null ? "" : key, MAX_TAG, true, true);
        int room = MAX_TAG - k.length() - 1;
        if (room <= 0) {
            return k;
        }
        String t = k + ':' + clean(value == null ? "" : value, room, false, true);
        return t.equals(EMPTY_HOST) ? "" : t;
    }

    private static final String EMPTY_HOST = "host:";

    /** Any other field value (origin data): {@code |}, control characters and broken surrogates become {@code _}. */
    public static String field(String raw) {
        return raw == null ? "" : clean(raw, raw.length(), false, false);
    }

    /** A free-text field value ({@code h:}, {@code k:}, {@code s:} of events, hosts): also no {@code ,} or {@code #}. */
    public static String value(String raw, int max) {
        return raw == null ? "" : clean(raw, max, false, true);
    }

    /** A service check name: anything but {@code |} and control characters is fine; never empty. */
    public static String serviceCheckName(String raw) {
        String s = raw == null ? "" : clean(raw, MAX_NAME, false, false);
        return s.isEmpty() ? "unnamed" : s;
    }

    /** True for a character that must never appear inside any field: it would end the field or the message. */
    public static boolean breaksField(char c) {
        return c == '|' || c < 0x20 || c == 0x7f;
    }

    private static String clean(String s, int max, boolean isKey, boolean tagRules) {
        int end = Math.min(s.length(), max);
        if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))
                && Character.isLowSurrogate(s.charAt(end))) {
            end--; // never cut a surrogate pair in half
        }
        StringBuilder sb = null;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean bad = breaksField(c)
                    || (tagRules && (c == ',' || c == '#'))
                    || (isKey && c == ':')
                    || (Character.isSurrogate(c) && !pairedAt(s, i));
            if (bad) {
                if (sb == null) {
                    sb = new StringBuilder(end);
                    sb.append(s, 0, i);
                }
                sb.append('_');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb != null ? sb.toString() : end == s.length() ? s : s.substring(0, end);
    }

    /** The surrogate at {@code i} is half of a well-formed pair. */
    static boolean pairedAt(CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
