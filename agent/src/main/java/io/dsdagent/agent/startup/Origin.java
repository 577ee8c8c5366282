package io.dsdagent.agent.startup;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.encode.Sanitizer;
import io.dsdagent.agent.log.Log;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The origin-detection fields appended to every message, encoded once:
 * {@code |c:<container id or in-inode>}, {@code |e:<external data>} (both only while
 * {@code DD_ORIGIN_DETECTION_ENABLED} is on), then {@code |card:<cardinality>}. The Agent reads them
 * only with {@code dogstatsd_origin_detection_client: true}, in any order.
 */
final class Origin {
    private Origin() {
    }

    static byte[] suffix(Config config) {
        return suffix(config.originDetection, config.externalEnv, config.cardinality, ContainerId.system());
    }

    static byte[] suffix(boolean originDetection, String externalEnv, String cardinality, ContainerId containerId) {
        StringBuilder sb = new StringBuilder();
        if (originDetection) {
            String cid = containerId.detect();
            if (cid != null) {
                sb.append("|c:").append(cid);
            }
            String e = externalEnv == null ? "" : printable(externalEnv);
            if (!e.isEmpty()) {
                sb.append("|e:").append(e);
            }
        }
        if (cardinality != null) {
            String c = cardinality.trim().toLowerCase(Locale.ROOT);
            if (c.equals("none") || c.equals("low") || c.equals("orchestrator") || c.equals("orch") || c.equals("high")) {
                sb.append("|card:").append(c);
            } else if (!c.isEmpty()) {
                Log.warn("DD_CARDINALITY='" + cardinality + "' is not none, low, orchestrator or high; not sent");
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * DD_EXTERNAL_ENV ({@code it-false,cn-<name>,pu-<uid>}) as the Datadog clients send it, trimmed: the
     * commas are its own separators and stay; control characters and {@code |} become {@code _}, the one
     * rule every field of every message follows ({@code Sanitizer}).
     */
    static String printable(String s) {
        return Sanitizer.field(s.trim());
    }
}
