package io.dsdagent.agent.startup;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container ID for DogStatsD v1.2 origin detection, in the order the Datadog clients use
 * ({@code shared/platform-notes.md} §4): an ID in {@code /proc/self/cgroup}, then one in
 * {@code /proc/self/mountinfo}, then, outside the host cgroup namespace, the inode of our own cgroup
 * directory as {@code in-<inode>}. Runs once on the aggregator thread (it reads files and uses
 * {@code java.nio.file}, which premain must not). Paths are injectable for tests.
 */
final class ContainerId {
    /**
     * The container id at the end of a cgroup path. The patterns are compiled when first needed, each
     * behind a check that it can match (about 4 ms of the agent's start when compiled up front, issue 18; a
     * host or a container with a private cgroup namespace never needs them).
     */
    static final class IdPattern {
        static final Pattern ID = Pattern.compile(
                "([0-9a-f]{8}(?:[_-][0-9a-f]{4}){3}[_-][0-9a-f]{12}|[0-9a-f]{64}|[0-9a-f]{32}-\\d+)(?:\\.scope)?$");
    }

    /** As {@link IdPattern}, for a mount of the container's {@code /etc/hostname}. */
    static final class MountPattern {
        static final Pattern MOUNT = Pattern.compile(
                ".*/([^\\s/]+)/(([0-9a-f]{64})|([0-9a-f]{32}-\\d+)|([0-9a-f]{8}(-[0-9a-f]{4}){4}$))/[\\S]*hostname");
    }

    static final long HOST_CGROUP_NAMESPACE_INODE = 0xEFFFFFFBL;

    /** Reads a file's inode number; -1 if it cannot. Replaced in tests. */
    interface Inodes {
        Inodes REAL = new Inodes() {
            @Override
            public long inode(String path) {
                try {
                    Object ino = Files.getAttribute(new File(path).toPath(), "unix:ino");
                    return ino instanceof Number ? ((Number) ino).longValue() : -1;
                } catch (Throwable t) { // not Linux, no "unix" view, not there
                    return -1;
                }
            }
        };

        long inode(String path);
    }

    private final String cgroupFile;
    private final String mountinfoFile;
    private final String cgroupNamespace;
    private final String cgroupRoot;
    private final Inodes inodes;

    ContainerId(String cgroupFile, String mountinfoFile, String cgroupNamespace, String cgroupRoot, Inodes inodes) {
        this.cgroupFile = cgroupFile;
        this.mountinfoFile = mountinfoFile;
        this.cgroupNamespace = cgroupNamespace;
        this.cgroupRoot = cgroupRoot;
        this.inodes = inodes;
    }

    static ContainerId system() {
        return new ContainerId("/proc/self/cgroup", "/proc/self/mountinfo", "/proc/self/ns/cgroup",
                "/sys/fs/cgroup", Inodes.REAL);
    }

    /** The container ID, {@code in-<inode>}, or null when none is found. */
    String detect() {
        String id = fromCgroup();
        if (id == null) {
            id = fromMountinfo();
        }
        if (id == null) {
            id = fromCgroupInode();
        }
        return id;
    }

    String fromCgroup() {
        try (BufferedReader r = reader(cgroupFile)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line(line);
                if (f != null && hasHexRun(f[1], 8)) { // every form of an id starts with 8 hex digits
                    Matcher id = IdPattern.ID.matcher(f[1]);
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

    String fromMountinfo() {
        try (BufferedReader r = reader(mountinfoFile)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.indexOf("hostname") < 0) {
                    continue; // MOUNT cannot match: skips its leading .* scan, costly on a cold VM (issue 18)
                }
                Matcher m = MountPattern.MOUNT.matcher(line);
                if (m.find() && !"sandboxes".equals(m.group(1))) {
                    return m.group(2);
                }
            }
        } catch (Exception ignored) {
            // not Linux, or not readable: no container id
        }
        return null;
    }

    /**
     * {@code in-<inode>} of our cgroup directory: the cgroup v2 path of the {@code 0::} line under the
     * cgroup root, else (cgroup v1 or hybrid) the {@code memory} controller's path under {@code <root>/memory}. Only in a
     * private cgroup namespace (in the host one every process would report the host's cgroups).
     */
    String fromCgroupInode() {
        long ns = inodes.inode(cgroupNamespace);
        if (ns == -1 || ns == HOST_CGROUP_NAMESPACE_INODE) {
            return null;
        }
        String v2 = null;
        String memory = null;
        try (BufferedReader r = reader(cgroupFile)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line(line);
                if (f == null) {
                    continue;
                }
                if (line.startsWith("0::")) {
                    v2 = f[1];
                } else {
                    for (String controller : f[0].split(",")) {
                        if (controller.equals("memory")) {
                            memory = f[1];
                        }
                    }
                }
            }
        } catch (Exception ignored) {
            return null;
        }
        // v2 (unified) first; on a hybrid host /sys/fs/cgroup is v1 and the v2 path is not there
        long ino = v2 == null ? -1 : inodes.inode(cgroupRoot + v2);
        if (ino <= 2 && memory != null) {
            ino = inodes.inode(cgroupRoot + "/memory" + memory);
        }
        return ino > 2 ? "in-" + ino : null;
    }

    /**
     * A line of {@code /proc/self/cgroup}, {@code <hierarchy id>:<controllers>:<path>}, as its controllers
     * and path; null if it is not one. The same lines as the pattern {@code ^\\d+:([^:]*):(.+)$}: digits,
     * controllers without a colon, a path of at least one character and no line terminator.
     */
    static String[] line(String s) {
        int first = s.indexOf(':');
        if (first <= 0) {
            return null;
        }
        for (int i = 0; i < first; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        int second = s.indexOf(':', first + 1);
        if (second < 0 || second == s.length() - 1) {
            return null;
        }
        for (int i = second + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return null;
            }
        }
        return new String[] {s.substring(first + 1, second), s.substring(second + 1)};
    }

    /** Whether {@code s} has {@code n} lower-case hex digits in a row. */
    static boolean hasHexRun(String s, int n) {
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            run = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' ? run + 1 : 0;
            if (run >= n) {
                return true;
            }
        }
        return false;
    }

    private static BufferedReader reader(String path) throws java.io.IOException {
        return new BufferedReader(new InputStreamReader(new FileInputStream(path), StandardCharsets.UTF_8));
    }
}
