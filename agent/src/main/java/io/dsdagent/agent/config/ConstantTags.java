package io.dsdagent.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tags put on everything: {@code DD_TAGS} as key -> value, then env/service/version from
 * {@code DD_ENV}/{@code DD_SERVICE}/{@code DD_VERSION} over the same keys, then the entity id;
 * duplicates removed; sorted for a stable rendering. Values are sanitized later by the encoder, once.
 */
final class ConstantTags {
    private ConstantTags() {
    }

    static List<String> of(Config c) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<String, String>();
        String ddTags = c.raw(Setting.DD_TAGS);
        if (ddTags != null) {
            parse(ddTags, tags);
        }
        putIfSet(tags, "env", c.raw(Setting.DD_ENV));
        putIfSet(tags, "service", c.raw(Setting.DD_SERVICE));
        putIfSet(tags, "version", c.raw(Setting.DD_VERSION));
        putIfSet(tags, "dd.internal.entity_id", c.raw(Setting.DD_ENTITY_ID));
        List<String> out = new ArrayList<String>(tags.size());
        for (Map.Entry<String, String> e : tags.entrySet()) {
            out.add(e.getValue() == null ? e.getKey() : e.getKey() + ":" + e.getValue());
        }
        Collections.sort(out);
        return Collections.unmodifiableList(out);
    }

    /** Tags separated by commas or spaces; a later key wins; a tag starting with ':' is dropped. */
    private static void parse(String ddTags, Map<String, String> tags) {
        int i = 0;
        int n = ddTags.length();
        while (i < n) {
            while (i < n && (ddTags.charAt(i) == ',' || ddTags.charAt(i) == ' ')) {
                i++;
            }
            int start = i;
            while (i < n && ddTags.charAt(i) != ',' && ddTags.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                String tag = ddTags.substring(start, i);
                int colon = tag.indexOf(':');
                if (colon < 0) {
                    tags.put(tag, null);
                } else if (colon > 0) {
                    tags.put(tag.substring(0, colon), tag.substring(colon + 1));
                }
            }
        }
    }

    private static void putIfSet(Map<String, String> tags, String key, String value) {
        if (value != null) {
            tags.put(key, value);
        }
    }
}
