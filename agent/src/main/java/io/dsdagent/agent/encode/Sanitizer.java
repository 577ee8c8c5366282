package io.dsdagent.agent.encode;

/**
 * Makes names and tags safe for the wire, once, when a context is created. Nothing from outside
 * (annotation values, request data, exception names, environment variables) can add, cut or alter a
 * DogStatsD field after this.
 *
 * <p>Names follow the backend's rule {@code [A-Za-z][A-Za-z0-9_.]*}, at most 200 characters: every
 * other character becomes {@code _}; a name that does not start with a letter gets an {@code m} in
 * front (so no metric can start with {@code _sc} or {@code _e{} and be taken for a service check or
 * event). Tags keep their case (the backend lowercases) and Unicode letters; only what breaks the
 * wire or what the Agent would mangle ({@code | , # \n \r}, control characters, a {@code :} in a key)
 * becomes {@code _}; at most 200 characters.
 */
public final class Sanitizer {
    public static final int MAX_NAME = 200;
    public static final int MAX_TAG = 200;

    private Sanitizer() {
    }

    public static String name(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "unnamed";
        }
        int n = Math.min(raw.length(), MAX_NAME);
        StringBuilder sb = new StringBuilder(n + 1);
        char first = raw.charAt(0);
        if (!isAsciiLetter(first)) {
            sb.append('m');
        }
        for (int i = 0; i < raw.length() && sb.length() < MAX_NAME; i++) {
            char c = raw.charAt(i);
            sb.append(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' ? c : '_');
        }
        return sb.toString();
    }

    /** A whole tag {@code key:value} (or bare {@code value}): the key may not contain {@code :}. */
    public static String tag(String raw) {
        if (raw == null) {
            return "";
        }
        int colon = raw.indexOf(':');
        if (colon < 0) {
            return clean(raw, 0, raw.length(), MAX_TAG, false);
        }
        return tag(raw.substring(0, colon), raw.substring(colon + 1));
    }

    public static String tag(String key, String value) {
        String k = clean(key, 0, key.length(), MAX_TAG, true);
        int room = MAX_TAG - k.length() - 1;
        if (room <= 0) {
            return k.substring(0, Math.min(k.length(), MAX_TAG));
        }
        return k + ':' + clean(value, 0, value == null ? 0 : value.length(), room, false);
    }

    /** A tag value alone (no key): anything that would break the field becomes {@code _}. */
    public static String value(String raw, int max) {
        return raw == null ? "" : clean(raw, 0, raw.length(), max, false);
    }

    private static String clean(String s, int from, int to, int max, boolean isKey) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        int end = Math.min(to, from + max);
        // never cut a surrogate pair in half
        if (end < to && end > from && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        for (int i = from; i < end; i++) {
            char c = s.charAt(i);
            boolean bad = c == '|' || c == ',' || c == '#' || c < 0x20 || c == 0x7f || (isKey && c == ':')
                    || (Character.isSurrogate(c) && !validSurrogateAt(s, i));
            if (bad) {
                if (sb == null) {
                    sb = new StringBuilder(end - from);
                    sb.append(s, from, i);
                }
                sb.append('_');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb != null ? sb.toString() : (from == 0 && end == s.length() ? s : s.substring(from, end));
    }

    private static boolean validSurrogateAt(String s, int i) {
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
