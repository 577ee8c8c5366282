package io.dsdagent.agent.startup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Container ID from fake /proc and /sys trees, and the origin suffix built from it. */
class OriginTest {
    private static final String ID64 = "83c0a99c0a54c0c187f461c7980e9b57f3f6a8b0c918c8d93df19a9de6f3fe1d";
    @TempDir
    Path dir;
    private final Map<String, Long> inodes = new HashMap<>();

    private ContainerId ids(String cgroup, String mountinfo) throws IOException {
        Path c = dir.resolve("cgroup");
        Path m = dir.resolve("mountinfo");
        Files.write(c, cgroup.getBytes(StandardCharsets.UTF_8));
        Files.write(m, mountinfo.getBytes(StandardCharsets.UTF_8));
        return new ContainerId(c.toString(), m.toString(), "/ns/cgroup", "/sys/fs/cgroup",
                path -> inodes.getOrDefault(path, -1L));
    }

    @Test
    void containerIdFromCgroupV1() throws IOException {
        assertEquals(ID64, ids("12:memory:/docker/" + ID64 + "\n11:cpu:/docker/" + ID64 + "\n", "").detect());
    }

    @Test
    void containerIdFromASystemdScope() throws IOException {
        assertEquals(ID64, ids("0::/system.slice/docker-" + ID64 + ".scope\n", "").detect());
    }

    @Test
    void containerIdFromMountinfoWhenCgroupHasNone() throws IOException {
        String mount = "1 2 0:1 /var/lib/docker/containers/" + ID64 + "/hostname /etc/hostname rw - ext4 /dev/sda rw\n";
        String sandbox = "1 2 0:1 /var/lib/containerd/sandboxes/" + ID64.replace('8', '9') + "/hostname /etc/hostname rw\n";
        assertEquals(ID64, ids("0::/\n", sandbox + mount).detect());
    }

    @Test
    void cgroupInodeInAPrivateNamespace() throws IOException {
        inodes.put("/ns/cgroup", 4026532500L);
        inodes.put("/sys/fs/cgroup/kubepods/pod1", 12345L);
        assertEquals("in-12345", ids("0::/kubepods/pod1\n", "").detect());
    }

    @Test
    void cgroupInodeOfTheV1MemoryControllerOnAHybridHost() throws IOException {
        inodes.put("/ns/cgroup", 4026532500L);
        inodes.put("/sys/fs/cgroup/memory/kubepods/pod2", 777L);
        assertEquals("in-777", ids("4:memory:/kubepods/pod2\n0::/kubepods/pod2\n", "").detect());
    }

    @Test
    void noInodeInTheHostNamespaceNorForTinyInodes() throws IOException {
        inodes.put("/ns/cgroup", ContainerId.HOST_CGROUP_NAMESPACE_INODE);
        inodes.put("/sys/fs/cgroup/a", 12345L);
        assertNull(ids("0::/a\n", "").detect());
        inodes.put("/ns/cgroup", 1L);
        inodes.put("/sys/fs/cgroup/a", 2L);
        assertNull(ids("0::/a\n", "").detect());
    }

    @Test
    void nothingOnThisKindOfHost() throws IOException {
        assertNull(ids("9:memory:/process_api/0123456789abcdef0123456789abcdef\n", "").detect());
    }

    @Test
    void suffixIsContainerThenExternalThenCardinality() throws IOException {
        ContainerId c = ids("1:memory:/docker/" + ID64 + "\n", "");
        // DD_EXTERNAL_ENV is trimmed and keeps its commas; | and control characters become _ (the one rule)
        assertEquals("|c:" + ID64 + "|e:it-false,cn-app_x_,pu-123|card:orchestrator",
                new String(Origin.suffix(true, " it-false,cn-app|x\u0001,pu-123", "Orchestrator", c), StandardCharsets.UTF_8));
    }

    @Test
    void originDetectionOffKeepsOnlyCardinality() throws IOException {
        ContainerId c = ids("1:memory:/docker/" + ID64 + "\n", "");
        assertEquals("|card:low", new String(Origin.suffix(false, "it-false", "low", c), StandardCharsets.UTF_8));
        assertEquals("", new String(Origin.suffix(false, null, "bogus", c), StandardCharsets.UTF_8));
    }

    @Test
    void cgroupLinesParseAsTheirPatternDoes() {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("^\\d+:([^:]*):(.+)$");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(18);
        String alphabet = "01:a,/-\r\u0085 ";
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("", ":", "0::", "0::/", "1:x", "12:memory:/docker/a",
                "1:cpu,cpuacct:/a:b", "a1:x:/y", "1::/\u2028", "01:name=systemd:/x y", ":x:/y", "1:x:"));
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = rnd.nextInt(8); i > 0; i--) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            lines.add(sb.toString());
        }
        for (String l : lines) {
            java.util.regex.Matcher m = line.matcher(l);
            String[] f = ContainerId.line(l);
            if (m.matches()) {
                assertEquals(java.util.List.of(m.group(1), m.group(2)), f == null ? null : java.util.List.of(f), l);
            } else {
                assertEquals(null, f, l);
            }
        }
    }

    @Test
    void anIdIsLookedForOnlyWhereEightHexDigitsRunAndEveryFormHasThem() {
        for (String path : new String[] {"/docker/" + ID64, "/kubepods/pod1/" + ID64.substring(0, 32) + "-1234",
            "/system.slice/docker-" + ID64 + ".scope", "/kubepods/besteffort/pod/34dc0b5e-626f-2c5c-4c51-70e34b10e765"}) {
            assertTrue(ContainerId.IdPattern.ID.matcher(path).find(), path);
            assertTrue(ContainerId.hasHexRun(path, 8), path);
        }
        assertFalse(ContainerId.hasHexRun("/", 8));
        assertFalse(ContainerId.hasHexRun("/user.slice/1234567/abcdefg", 8));
        assertTrue(ContainerId.hasHexRun("/x/0123abcd", 8));
    }
}
