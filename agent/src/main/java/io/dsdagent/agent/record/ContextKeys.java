package io.dsdagent.agent.record;

import io.dsdagent.agent.encode.Sanitizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * A context's identity as the registry keys it (type, nanos flag, sanitized name, sorted distinct
 * sanitized tags) and its bytes, encoded once when the context is created. Registration time only.
 */
final class ContextKeys {
    final String name;
    final String[] tags;
    final String key;

    ContextKeys(int type, boolean nanos, String name, String[] tags) {
        this.name = Sanitizer.name(name);
        TreeSet<String> sorted = new TreeSet<String>();
        if (tags != null) {
            for (String t : tags) {
                if (t != null) {
                    String s = Sanitizer.tag(t);
                    if (!s.isEmpty()) {
                        sorted.add(s);
                    }
                }
            }
        }
        this.tags = sorted.toArray(new String[0]);
        StringBuilder k = new StringBuilder(this.name.length() + 32).append(type).append(nanos ? 'n' : 'v')
                .append('\u0000').append(this.name);
        for (String t : this.tags) {
            k.append('\u0000').append(t);
        }
        this.key = k.toString();
    }

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code |#tag1,tag2,...} with the constant tags merged in, or empty. */
    byte[] tagBytes(String[] constantTags) {
        TreeSet<String> all = new TreeSet<String>(Arrays.asList(tags));
        all.addAll(Arrays.asList(constantTags));
        if (all.isEmpty()) {
            return new byte[0];
        }
        StringBuilder sb = new StringBuilder("|#");
        for (String t : all) {
            if (sb.length() > 2) {
                sb.append(',');
            }
            sb.append(t);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
