package io.dsdagent.agent.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recorded sockstat files of several kernel vintages, parsed into exact gauges. */
class SockstatSamplerTest {
    @TempDir
    Path proc;

    private static final String MODERN =
            "sockets: used 14\n"
            + "TCP: inuse 1 orphan 0 tw 3 alloc 5 mem 203\n"
            + "UDP: inuse 2 mem 7\n"
            + "UDPLITE: inuse 0\n"
            + "RAW: inuse 1\n"
            + "FRAG: inuse 0 memory 0\n";
    private static final String MODERN6 =
            "TCP6: inuse 4\n"
            + "UDP6: inuse 6\n"
            + "UDPLITE6: inuse 0\n"
            + "RAW6: inuse 2\n"
            + "FRAG6: inuse 1 memory 4352\n";

    private void write(String rel, String text) throws IOException {
        Path p = proc.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, text.getBytes(StandardCharsets.US_ASCII));
    }

    private Map<String, Double> sample(SockstatSampler s, int[] bad) throws IOException {
        bad[0] = s.sample();
        Map<String, Double> m = new LinkedHashMap<>();
        double[] v = s.values();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i])) {
                m.put(SockstatSampler.NAMES[i], v[i]);
            }
        }
        return m;
    }

    @Test
    void modernKernelWithIpv6AndLimits() throws IOException {
        write("net/sockstat", MODERN);
        write("net/sockstat6", MODERN6);
        write("sys/net/ipv4/tcp_mem", "287898\t383866\t575796\n");
        write("sys/net/ipv4/tcp_max_orphans", "131072\n");
        int[] bad = new int[1];
        Map<String, Double> m = sample(new SockstatSampler(proc.toString(), 4096), bad);
        assertEquals(0, bad[0]);
        Map<String, Double> want = new LinkedHashMap<>();
        want.put("sockets.used", 14.0);
        want.put("tcp4.in_use", 1.0);
        want.put("tcp6.in_use", 4.0);
        want.put("tcp.in_use", 5.0);
        want.put("tcp.orphan", 0.0);
        want.put("tcp.time_wait", 3.0);
        want.put("tcp.alloc", 5.0);
        want.put("tcp.mem", 203.0 * 4096);
        want.put("udp4.in_use", 2.0);
        want.put("udp6.in_use", 6.0);
        want.put("udp.mem", 7.0 * 4096);
        want.put("udplite4.in_use", 0.0);
        want.put("udplite6.in_use", 0.0);
        want.put("raw4.in_use", 1.0);
        want.put("raw6.in_use", 2.0);
        want.put("frag4.in_use", 0.0);
        want.put("frag4.memory", 0.0);
        want.put("frag6.in_use", 1.0);
        want.put("frag6.memory", 4352.0);
        want.put("tcp.mem.limit", 575796.0 * 4096);
        want.put("tcp.orphan.limit", 131072.0);
        assertEquals(want, m);
    }

    @Test
    void oldKernelWithoutIpv6OrUdpliteAndLargePages() throws IOException {
        // 2.6-era text: no UDPLITE line, FRAG "inuse %d memory %d", no sockstat6, no limits readable
        write("net/sockstat", "sockets: used 120\n"
                + "TCP: inuse 7 orphan 1 tw 12 alloc 9 mem 3\n"
                + "UDP: inuse 4\n"
                + "RAW: inuse 0\n"
                + "FRAG: inuse 2 memory 3072\n");
        int[] bad = new int[1];
        Map<String, Double> m = sample(new SockstatSampler(proc.toString(), 65536), bad);
        assertEquals(0, bad[0]);
        Map<String, Double> want = new LinkedHashMap<>();
        want.put("sockets.used", 120.0);
        want.put("tcp4.in_use", 7.0);
        want.put("tcp.in_use", 7.0);
        want.put("tcp.orphan", 1.0);
        want.put("tcp.time_wait", 12.0);
        want.put("tcp.alloc", 9.0);
        want.put("tcp.mem", 3.0 * 65536);
        want.put("udp4.in_use", 4.0);
        want.put("raw4.in_use", 0.0);
        want.put("frag4.in_use", 2.0);
        want.put("frag4.memory", 3072.0);
        assertEquals(want, m);
    }

    @Test
    void unknownKeysAndFieldsAreIgnored() throws IOException {
        write("net/sockstat", "sockets: used 3 extra 9\n"
                + "TCP: inuse 1 pressure 0 orphan 0 tw 0 alloc 2 mem 10 future 77\n"
                + "MPTCP: inuse 5\n"
                + "UDP: inuse 0 mem 0\n");
        write("net/sockstat6", "TCP6: inuse 2\nSCTP6: inuse 1\n");
        int[] bad = new int[1];
        Map<String, Double> m = sample(new SockstatSampler(proc.toString(), 4096), bad);
        assertEquals(0, bad[0]);
        assertEquals(3.0, m.get("sockets.used"));
        assertEquals(1.0, m.get("tcp4.in_use"));
        assertEquals(2.0, m.get("tcp6.in_use"));
        assertEquals(3.0, m.get("tcp.in_use"));
        assertEquals(2.0, m.get("tcp.alloc"));
        assertEquals(40960.0, m.get("tcp.mem"));
        assertEquals(0.0, m.get("udp.mem"));
        assertEquals(10, m.size(), m.toString());
    }

    @Test
    void truncatedAndGarbledLinesAreSkippedAndCounted() throws IOException {
        // a garbled UDP line, a line without a colon, and a last line cut off mid-way (no newline)
        write("net/sockstat", "sockets: used 14\n"
                + "UDP: inuse x mem 1\n"
                + "garbage\n"
                + "RAW: inuse 1\n"
                + "TCP: inuse 1 orphan 0 tw");
        int[] bad = new int[1];
        Map<String, Double> m = sample(new SockstatSampler(proc.toString(), 4096), bad);
        assertEquals(3, bad[0]);
        Map<String, Double> want = new LinkedHashMap<>();
        want.put("sockets.used", 14.0);
        want.put("raw4.in_use", 1.0);
        assertEquals(want, m);
    }

    @Test
    void aSecondSampleRereadsTheFileAndForgetsVanishedFields() throws IOException {
        write("net/sockstat", MODERN);
        write("net/sockstat6", MODERN6);
        SockstatSampler s = new SockstatSampler(proc.toString(), 4096);
        int[] bad = new int[1];
        assertEquals(5.0, sample(s, bad).get("tcp.in_use"));
        // rewritten in place, as procfs regenerates the text of the open file on every read from 0
        write("net/sockstat", MODERN.replace("TCP: inuse 1 ", "TCP: inuse 11 ").replace("RAW: inuse 1\n", ""));
        write("net/sockstat6", MODERN6.replace("TCP6: inuse 4", "TCP6: inuse 40"));
        Map<String, Double> m = sample(s, bad);
        assertEquals(51.0, m.get("tcp.in_use"));
        assertEquals(null, m.get("raw4.in_use"));
    }

    @Test
    void unreadableFileFailsTheProbe() {
        SockstatSampler s = new SockstatSampler(proc.toString(), 4096);
        assertThrows(IOException.class, s::probe);
    }

    @Test
    void pageSizeFromAuxv() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(33).putLong(0x7fff0000L).putLong(6).putLong(16384).putLong(0).putLong(0);
        assertEquals(16384, PageSize.parseAuxv(b.array(), true, ByteOrder.LITTLE_ENDIAN));
        ByteBuffer n = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        n.putInt(16).putInt(1).putInt(6).putInt(4096).putInt(0).putInt(0);
        assertEquals(4096, PageSize.parseAuxv(n.array(), false, ByteOrder.BIG_ENDIAN));
        assertEquals(-1, PageSize.parseAuxv(new byte[16], true, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void pageSizeOfThisMachine() {
        long p = PageSize.read("/proc/self/auxv", "/proc/self/smaps");
        assertTrue(p >= 4096 && Long.bitCount(p) == 1, "page size " + p);
        assertEquals(p, PageSize.fromAuxv("/proc/self/auxv", PageSize.is64Bit(), ByteOrder.nativeOrder()));
        assertEquals(4096, PageSize.read(proc.resolve("none").toString(), proc.resolve("none2").toString()));
    }

    @Test
    void realProcNetSockstatParsesCleanly() throws IOException {
        SockstatSampler s = new SockstatSampler("/proc");
        s.probe();
        assertEquals(0, s.sample());
        double[] v = s.values();
        assertTrue(v[0] >= 1, "sockets.used");
        assertTrue(v[SockstatSampler.NAMES.length - 2] > 0, "tcp.mem.limit");
    }
}
