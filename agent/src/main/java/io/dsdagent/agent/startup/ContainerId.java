package io.dsdagent.agent.startup;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container ID for DogStatsD v1.2 origin detection: {@code /proc/self/cgroup}, then
 * {@code /proc/self/mountinfo}. Runs once on the aggregator thread.
 */
final class ContainerId {
    private static final Pattern LINE = Pattern.compile("^\\d+:[^:]*:(.+)$");
    private static final Pattern ID = Pattern.compile(
            "([0-9a-f]{8}(?:[_-][0-9a-f]{4}){3}[_-][0-9a-f]{12}|[0-9a-f]{64}|[0-9a-f]{32}-\\d+)(?:\\.scope)?$");
    private static final Pattern MOUNT = Pattern.compile(
            ".*/([^\\s/]+)/(([0-9a-f]{64})|([0-9a-f]{32}-\\d+)|([0-9a-f]{8}(-[0-9a-f]{4}){4}$))/[\\S]*hostname");

    private ContainerId() {
    }

    static String detect() {
        String id = fromCgroup("/proc/self/cgroup");
        if (id == null) {
            id = fromMountinfo("/proc/self/mountinfo");
        }
        return id;
    }

    static String fromCgroup(String path) {
        try (BufferedReader r = reader(path)) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    Matcher id = ID.matcher(m.group(1));
                    if (id.find()) {
                        return id.group(1);
                    }
                }
            }
        } catch (Exception ignored) {
            // not Linux, or not readable: no container id
        }
        return null;
    }

    static String fromMountinfo(String path) {
        try (BufferedReader r = reader(path)) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = MOUNT.matcher(line);
                if (m.find() && !"sandboxes".equals(m.group(1))) {
                    return m.group(2);
                }
            }
        } catch (Exception ignored) {
            // not Linux, or not readable: no container id
        }
        return null;
    }

    private static BufferedReader reader(String path) throws java.io.IOException {
        return new BufferedReader(new InputStreamReader(new FileInputStream(path), StandardCharsets.UTF_8));
    }
}
