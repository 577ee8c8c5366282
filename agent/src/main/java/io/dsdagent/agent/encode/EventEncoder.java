package io.dsdagent.agent.encode;

import java.util.Arrays;

/**
 * Events and service checks, encoded byte by byte (UTF-8 written in place, lengths counted in UTF-8
 * bytes of what is actually sent):
 * <pre>
 * _e{&lt;title bytes&gt;,&lt;text bytes&gt;}:title|text|d:ts|h:host|k:key|p:low|s:source|t:error|#tags|c:..|e:..|card:..
 * _sc|name|status|d:ts|h:host|#tags|c:..|e:..|card:..|m:message
 * </pre>
 * Newlines (LF, CR, CRLF) in a title, text or message are sent as the two characters {@code \n}, which
 * the Agent turns back into a newline in events; other control bytes become {@code _} ({@link Utf8}: tab
 * survives in texts and messages only); a {@code |} in a title or text is fine because the lengths say
 * where each ends; in a service check message, which the Agent cuts at a {@code |}, it becomes
 * {@code _}, and {@code m:} comes last. Fields that would not be valid are left out: {@code p:} other
 * than normal/low, {@code t:} other than error/warning/info/success, {@code d:} below 1. An empty title
 * (which the Agent rejects) is sent as {@code event}.
 *
 * <p>A message must fit one datagram ({@code maxBytes}): an event whose title or text is too long is
 * cut to fit, text first, each cut part ending in {@value #CUT}, rather than dropped; so is a service
 * check's message. Only a message whose other fields alone are too long is left whole, for the packer
 * to drop and count. These are rare, plain calls: they allocate their result.
 */
public final class EventEncoder {
    /** Marks a title, text or message cut to fit one datagram. */
    static final String CUT = "...";

    private byte[] buf = new byte[256];
    private int len;

    private EventEncoder() {
    }

    public static byte[] event(String title, String text, long timestampSeconds, String hostname,
                               String aggregationKey, String priority, String sourceType, String alertType,
                               String[] tags, String[] constantTags, byte[] originSuffix, int maxBytes) {
        String t = title == null || title.isEmpty() ? "event" : title;
        String x = text == null ? "" : text;
        int tLen = Utf8.length(t, Utf8.TITLE);
        int xLen = Utf8.length(x, Utf8.TEXT);
        byte[] whole = event(t, x, tLen, xLen, timestampSeconds, hostname, aggregationKey, priority, sourceType,
                alertType, tags, constantTags, originSuffix);
        // the rest can only shrink as title and text do (fewer length digits)
        int room = maxBytes - (whole.length - tLen - xLen);
        if (whole.length <= maxBytes || room < 1 + CUT.length() + (x.isEmpty() ? 0 : CUT.length())) {
            return whole;
        }
        if (tLen + CUT.length() <= room) {
            x = cut(x, Utf8.TEXT, xLen, room - tLen);
        } else {
            x = x.isEmpty() ? x : CUT;
            t = cut(t, Utf8.TITLE, tLen, room - x.length());
        }
        return event(t, x, Utf8.length(t, Utf8.TITLE), Utf8.length(x, Utf8.TEXT), timestampSeconds, hostname,
                aggregationKey, priority, sourceType, alertType, tags, constantTags, originSuffix);
    }

    private static byte[] event(String t, String x, int tLen, int xLen, long timestampSeconds, String hostname,
                                String aggregationKey, String priority, String sourceType, String alertType,
                                String[] tags, String[] constantTags, byte[] originSuffix) {
        EventEncoder e = new EventEncoder();
        e.ascii("_e{").number(tLen).ascii(",").number(xLen).ascii("}:");
        e.utf8(t, Utf8.TITLE).ascii("|").utf8(x, Utf8.TEXT);
        if (timestampSeconds > 0) {
            e.ascii("|d:").number(timestampSeconds);
        }
        e.field("|h:", hostname);
        e.field("|k:", aggregationKey);
        if ("low".equals(priority) || "normal".equals(priority)) {
            e.ascii("|p:").ascii(priority);
        }
        e.field("|s:", sourceType);
        if ("error".equals(alertType) || "warning".equals(alertType) || "info".equals(alertType)
                || "success".equals(alertType)) {
            e.ascii("|t:").ascii(alertType);
        }
        e.tags(tags, constantTags);
        e.bytes(originSuffix);
        return e.result();
    }

    /** {@code s} ({@code bytes} long) cut to at most {@code room} bytes, marked {@link #CUT} if it was cut. */
    private static String cut(String s, int mode, int bytes, int room) {
        return bytes <= room ? s : s.substring(0, Utf8.fitting(s, mode, room - CUT.length())) + CUT;
    }

    /** A status outside 0..3 is sent as 3 (UNKNOWN): the Agent rejects anything else. */
    public static byte[] serviceCheck(String name, int status, long timestampSeconds, String hostname,
                                      String message, String[] tags, String[] constantTags, byte[] originSuffix,
                                      int maxBytes) {
        EventEncoder e = new EventEncoder();
        e.ascii("_sc|").utf8(Sanitizer.serviceCheckName(name), Utf8.FIELD).ascii("|")
                .number(status >= 0 && status <= 3 ? status : 3);
        if (timestampSeconds > 0) {
            e.ascii("|d:").number(timestampSeconds);
        }
        e.field("|h:", hostname);
        e.tags(tags, constantTags);
        e.bytes(originSuffix);
        if (message != null && !message.isEmpty()) {
            int room = maxBytes - e.len - 3;
            int mLen = Utf8.length(message, Utf8.MESSAGE);
            e.ascii("|m:").utf8(room > CUT.length() ? cut(message, Utf8.MESSAGE, mLen, room) : message, Utf8.MESSAGE);
        }
        return e.result();
    }

    private void field(String prefix, String value) {
        if (value != null) {
            String v = Sanitizer.value(value, Sanitizer.MAX_TAG);
            if (!v.isEmpty()) {
                ascii(prefix).utf8(v, Utf8.FIELD);
            }
        }
    }

    /** The event's own tags (sanitized here), then the constant tags (already sanitized), no duplicates. */
    private void tags(String[] tags, String[] constantTags) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<String>();
        if (tags != null) {
            for (String raw : tags) {
                all.add(Sanitizer.tag(raw));
            }
        }
        if (constantTags != null) {
            all.addAll(Arrays.asList(constantTags));
        }
        all.remove("");
        all.remove(null);
        boolean first = true;
        for (String t : all) {
            ascii(first ? "|#" : ",").utf8(t, Utf8.FIELD);
            first = false;
        }
    }

    private EventEncoder ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    private EventEncoder number(long v) {
        ensure(Numbers.MAX_LEN);
        len = Numbers.writeLong(buf, len, v);
        return this;
    }

    private EventEncoder utf8(String s, int mode) {
        ensure(Utf8.length(s, mode));
        len = Utf8.write(buf, len, s, mode);
        return this;
    }

    private void bytes(byte[] b) {
        if (b != null) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private byte[] result() {
        return Arrays.copyOf(buf, len);
    }
}
