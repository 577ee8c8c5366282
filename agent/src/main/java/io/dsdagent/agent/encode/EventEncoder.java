package io.dsdagent.agent.encode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Events ({@code _e{title,text}:title|text|d:|h:|k:|p:|s:|t:|#tags}) and service checks
 * ({@code _sc|name|status|d:|h:|#tags|m:message}). Lengths are UTF-8 byte counts; newlines in title,
 * text and message are escaped as {@code \n}; fields are sanitized so nothing can add or cut one.
 * These are rare, plain calls: they allocate.
 */
public final class EventEncoder {
    private EventEncoder() {
    }

    public static byte[] event(String title, String text, long timestampSeconds, String hostname,
                               String aggregationKey, String priority, String sourceType, String alertType,
                               String[] tags, String[] constantTags, byte[] originSuffix) {
        byte[] t = utf8(escapeNewlines(title == null || title.isEmpty() ? "event" : title));
        byte[] x = utf8(escapeNewlines(text == null ? "" : text));
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + t.length + x.length);
        ascii(out, "_e{" + t.length + "," + x.length + "}:");
        out.write(t, 0, t.length);
        out.write('|');
        out.write(x, 0, x.length);
        if (timestampSeconds > 0) {
            ascii(out, "|d:" + timestampSeconds);
        }
        field(out, "|h:", hostname);
        field(out, "|k:", aggregationKey);
        if ("low".equals(priority) || "normal".equals(priority)) {
            ascii(out, "|p:" + priority);
        }
        field(out, "|s:", sourceType);
        if ("error".equals(alertType) || "warning".equals(alertType) || "info".equals(alertType)
                || "success".equals(alertType)) {
            ascii(out, "|t:" + alertType);
        }
        tags(out, tags, constantTags);
        if (originSuffix != null) {
            out.write(originSuffix, 0, originSuffix.length);
        }
        return out.toByteArray();
    }

    public static byte[] serviceCheck(String name, int status, long timestampSeconds, String hostname,
                                      String message, String[] tags, String[] constantTags, byte[] originSuffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        ascii(out, "_sc|");
        byte[] n = utf8(Sanitizer.name(name));
        out.write(n, 0, n.length);
        ascii(out, "|" + (status >= 0 && status <= 3 ? status : 3));
        if (timestampSeconds > 0) {
            ascii(out, "|d:" + timestampSeconds);
        }
        field(out, "|h:", hostname);
        tags(out, tags, constantTags);
        if (originSuffix != null) {
            out.write(originSuffix, 0, originSuffix.length);
        }
        if (message != null && !message.isEmpty()) {
            byte[] m = utf8(escapeNewlines(message).replace('|', '_'));
            ascii(out, "|m:");
            out.write(m, 0, m.length);
        }
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String prefix, String value) {
        if (value != null && !value.isEmpty()) {
            ascii(out, prefix);
            byte[] b = utf8(Sanitizer.value(value, 200));
            out.write(b, 0, b.length);
        }
    }

    private static void tags(ByteArrayOutputStream out, String[] tags, String[] constantTags) {
        boolean first = true;
        for (String[] group : new String[][] {tags, constantTags}) {
            if (group == null) {
                continue;
            }
            for (String t : group) {
                String s = t == null ? "" : Sanitizer.tag(t);
                if (s.isEmpty()) {
                    continue;
                }
                ascii(out, first ? "|#" : ",");
                byte[] b = utf8(s);
                out.write(b, 0, b.length);
                first = false;
            }
        }
    }

    /** A real newline would end the message: send the two characters {@code \n} instead. */
    static String escapeNewlines(String s) {
        if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }
}
