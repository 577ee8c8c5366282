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
 * the Agent turns back into a newline in events; a {@code |} in a title or text is fine because the
 * lengths say where each ends; in a service check message, which the Agent cuts at a {@code |}, it
 * becomes {@code _}, and {@code m:} comes last. Fields that would not be valid are left out: {@code p:}
 * other than normal/low, {@code t:} other than error/warning/info/success, {@code d:} below 1. An empty
 * title (which the Agent rejects) is sent as {@code event}. These are rare, plain calls: they allocate
 * their result.
 */
public final class EventEncoder {
    private byte[] buf = new byte[256];
    private int len;

    private EventEncoder() {
    }

    public static byte[] event(String title, String text, long timestampSeconds, String hostname,
                               String aggregationKey, String priority, String sourceType, String alertType,
                               String[] tags, String[] constantTags, byte[] originSuffix) {
        String t = title == null || title.isEmpty() ? "event" : title;
        String x = text == null ? "" : text;
        int tLen = Utf8.length(t, Utf8.TEXT);
        int xLen = Utf8.length(x, Utf8.TEXT);
        EventEncoder e = new EventEncoder();
        e.ascii("_e{").number(tLen).ascii(",").number(xLen).ascii("}:");
        e.ensure(tLen + 1 + xLen);
        e.len = Utf8.write(e.buf, e.len, t, Utf8.TEXT);
        e.buf[e.len++] = '|';
        e.len = Utf8.write(e.buf, e.len, x, Utf8.TEXT);
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

    /** A status outside 0..3 is sent as 3 (UNKNOWN): the Agent rejects anything else. */
    public static byte[] serviceCheck(String name, int status, long timestampSeconds, String hostname,
                                      String message, String[] tags, String[] constantTags, byte[] originSuffix) {
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
            e.ascii("|m:").utf8(message, Utf8.MESSAGE);
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
