package io.dsdagent.agent.startup;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.encode.Sanitizer;

import java.nio.charset.StandardCharsets;

/**
 * The origin-detection fields appended to every message, encoded once: {@code |card:<c>},
 * {@code |c:<container id>}, {@code |e:<external data>} (only while origin detection is on).
 */
final class Origin {
    private Origin() {
    }

    static byte[] suffix(Config config) {
        StringBuilder sb = new StringBuilder();
        if (config.cardinality != null) {
            String c = config.cardinality.toLowerCase(java.util.Locale.ROOT);
            if (c.equals("none") || c.equals("low") || c.equals("orchestrator") || c.equals("orch") || c.equals("high")) {
                sb.append("|card:").append(c);
            } else {
                io.dsdagent.agent.log.Log.warn("DD_CARDINALITY='" + config.cardinality
                        + "' is not none, low, orchestrator or high; not sent");
            }
        }
        if (config.originDetection) {
            String cid = ContainerId.detect();
            if (cid != null) {
                sb.append("|c:").append(cid);
            }
            if (config.externalEnv != null) {
                StringBuilder e = new StringBuilder();
                for (int i = 0; i < config.externalEnv.length(); i++) {
                    char ch = config.externalEnv.charAt(i);
                    if (ch > 0x20 && ch < 0x7f && ch != '|') {
                        e.append(ch);
                    }
                }
                if (e.length() > 0) {
                    sb.append("|e:").append(Sanitizer.value(e.toString(), 512));
                }
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
