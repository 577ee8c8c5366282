package io.dsdagent.agent.listen;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one DogStatsD message into one human-readable line for {@code listen}: the kind, the name,
 * the values, and each optional field spelled out. Malformed messages are shown as such, never thrown.
 */
public final class Decoder {
    private Decoder() {
    }

    public static String decode(String msg) {
        if (msg.startsWith("_e{")) {
            return event(msg);
        }
        if (msg.startsWith("_sc|")) {
            return serviceCheck(msg);
        }
        return metric(msg);
    }

    static String metric(String msg) {
        String[] fields = msg.split("\\|", -1);
        int colon = fields[0].indexOf(':');
        if (fields.length < 2 || colon <= 0) {
            return "malformed  " + msg;
        }
        String name = fields[0].substring(0, colon);
        String values = fields[0].substring(colon + 1);
        String type = fields[1];
        String kind = kind(type);
        if (kind == null) {
            return "malformed  " + msg;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s", kind)).append(name).append(" = ");
        if (type.equals("s")) {
            sb.append(values);
        } else {
            List<String> vs = new ArrayList<String>();
            for (String v : values.split(":")) {
                if (!v.isEmpty()) {
                    vs.add(v);
                }
            }
            sb.append(vs.size() == 1 ? vs.get(0) : vs.toString());
            if (type.equals("ms")) {
                sb.append(" ms");
            }
        }
        for (int i = 2; i < fields.length; i++) {
            String f = fields[i];
            if (f.startsWith("#")) {
                sb.append("  tags=[").append(f.substring(1)).append(']');
            } else if (f.startsWith("@")) {
                sb.append("  rate=").append(f.substring(1));
            } else if (f.startsWith("T")) {
                sb.append("  ts=").append(f.substring(1));
            } else if (f.startsWith("c:")) {
                sb.append("  container=").append(f.substring(2));
            } else if (f.startsWith("e:")) {
                sb.append("  external=").append(f.substring(2));
            } else if (f.startsWith("card:")) {
                sb.append("  cardinality=").append(f.substring(5));
            } else if (!f.isEmpty()) {
                sb.append("  ").append(f);
            }
        }
        return sb.toString();
    }

    /** The name {@code listen} shows for a metric type ({@code ms} is a timer); null for none the Agent takes. */
    static String kind(String type) {
        switch (type) {
            case "c": return "count";
            case "g": return "gauge";
            case "ms": return "timer";
            case "h": return "histogram";
            case "d": return "distribution";
            case "s": return "set";
            default: return null;
        }
    }

    static String event(String msg) {
        String[] parts = eventParts(msg);
        return parts == null ? "malformed  " + msg
                : String.format("%-14s", "event") + "\"" + parts[0] + "\" text=\"" + parts[1] + "\"" + fieldsOf(parts[2]);
    }

    /** An event's title; null if the message is not a well-formed event. */
    static String eventTitle(String msg) {
        String[] parts = eventParts(msg);
        return parts == null ? null : parts[0];
    }

    /** Title, text and the fields after them, cut by the header's UTF-8 byte lengths; null if malformed. */
    private static String[] eventParts(String msg) {
        int close = msg.indexOf("}:");
        int comma = msg.indexOf(',');
        if (!msg.startsWith("_e{") || close < 0 || comma < 0 || comma > close) {
            return null;
        }
        try {
            int tl = Integer.parseInt(msg.substring(3, comma));
            int xl = Integer.parseInt(msg.substring(comma + 1, close));
            byte[] body = msg.substring(close + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {new String(body, 0, tl, java.nio.charset.StandardCharsets.UTF_8),
                    new String(body, tl + 1, xl, java.nio.charset.StandardCharsets.UTF_8),
                    new String(body, tl + 1 + xl, body.length - tl - 1 - xl, java.nio.charset.StandardCharsets.UTF_8)};
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String serviceCheck(String msg) {
        String[] f = msg.split("\\|", -1);
        if (f.length < 3) {
            return "malformed  " + msg;
        }
        String[] names = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
        String status = f[2];
        try {
            status = names[Integer.parseInt(f[2])];
        } catch (RuntimeException ignored) {
            // shown as sent
        }
        StringBuilder rest = new StringBuilder();
        for (int i = 3; i < f.length; i++) {
            rest.append('|').append(f[i]);
        }
        return String.format("%-14s", "service_check") + f[1] + " = " + status + fieldsOf(rest.toString());
    }

    private static String fieldsOf(String rest) {
        StringBuilder sb = new StringBuilder();
        for (String f : rest.split("\\|")) {
            if (f.isEmpty()) {
                continue;
            }
            if (f.startsWith("#")) {
                sb.append("  tags=[").append(f.substring(1)).append(']');
            } else if (f.startsWith("m:")) {
                sb.append("  message=\"").append(f.substring(2)).append('"');
            } else {
                sb.append("  ").append(f);
            }
        }
        return sb.toString();
    }
}
