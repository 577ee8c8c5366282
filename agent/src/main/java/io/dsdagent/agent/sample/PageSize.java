package io.dsdagent.agent.sample;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The kernel page size, which Java has no API for: {@code AT_PAGESZ} (6) from {@code /proc/self/auxv}
 * (native-order pairs of machine words), else the first {@code KernelPageSize:} of
 * {@code /proc/self/smaps}, else 4096.
 */
final class PageSize {
    static final long FALLBACK = 4096;
    private static final long AT_PAGESZ = 6;

    private PageSize() {
    }

    static long read(String auxvPath, String smapsPath) {
        long v = fromAuxv(auxvPath, is64Bit(), ByteOrder.nativeOrder());
        if (v <= 0) {
            v = fromSmaps(smapsPath);
        }
        return v > 0 ? v : FALLBACK;
    }

    static boolean is64Bit() {
        String model = System.getProperty("sun.arch.data.model");
        if (model != null) {
            return !model.equals("32");
        }
        String arch = System.getProperty("os.arch", "");
        return arch.contains("64");
    }

    static long fromAuxv(String path, boolean wide, ByteOrder order) {
        byte[] all;
        try {
            all = readAll(path, 64 * 1024);
        } catch (IOException e) {
            return -1;
        }
        return parseAuxv(all, wide, order);
    }

    static long parseAuxv(byte[] all, boolean wide, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(all).order(order);
        int word = wide ? 8 : 4;
        while (b.remaining() >= 2 * word) {
            long key = wide ? b.getLong() : b.getInt() & 0xFFFFFFFFL;
            long val = wide ? b.getLong() : b.getInt() & 0xFFFFFFFFL;
            if (key == 0) {
                return -1; // AT_NULL ends the vector
            }
            if (key == AT_PAGESZ) {
                return val > 0 && Long.bitCount(val) == 1 ? val : -1;
            }
        }
        return -1;
    }

    static long fromSmaps(String path) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(path), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("KernelPageSize:")) {
                    String[] parts = line.substring(15).trim().split("\\s+");
                    long kb = Long.parseLong(parts[0]);
                    return kb * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static byte[] readAll(String path, int max) throws IOException {
        try (InputStream in = new FileInputStream(path)) {
            byte[] buf = new byte[4096];
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    if (buf.length >= max) {
                        break;
                    }
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
            return java.util.Arrays.copyOf(buf, len);
        }
    }
}
