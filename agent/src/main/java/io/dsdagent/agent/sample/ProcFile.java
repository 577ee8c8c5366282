package io.dsdagent.agent.sample;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * A procfs file read again and again into a caller's reused buffer. procfs reports size 0, so it is read
 * until EOF; the file stays open and is rewound each time (a seq_file regenerates its text on a read
 * from offset 0), so a sample opens nothing and allocates nothing.
 */
final class ProcFile {
    private final String path;
    private RandomAccessFile file;

    ProcFile(String path) {
        this.path = path;
    }

    String path() {
        return path;
    }

    /** Reads the whole file into {@code buf}; returns the length, or -1 if it does not fit. */
    int read(byte[] buf) throws IOException {
        int len = readHead(buf);
        if (len < buf.length) {
            return len;
        }
        try {
            return file.read() < 0 ? len : -1;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Reads the start of the file, up to {@code buf.length} bytes; returns the length read. */
    int readHead(byte[] buf) throws IOException {
        if (file == null) {
            file = new RandomAccessFile(path, "r");
        }
        try {
            file.seek(0);
            int len = 0;
            while (len < buf.length) {
                int n = file.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
            return len;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    void close() {
        RandomAccessFile f = file;
        file = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // nothing to do: the next read reopens
            }
        }
    }

    /** Parses the {@code index}-th whitespace-separated non-negative number of a file's text; -1 if absent. */
    static long number(byte[] buf, int len, int index) {
        int p = 0;
        int seen = 0;
        while (p < len) {
            while (p < len && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\n')) {
                p++;
            }
            if (p == len) {
                break;
            }
            long v = 0;
            int digits = 0;
            while (p < len && buf[p] >= '0' && buf[p] <= '9' && digits < 19) {
                v = v * 10 + (buf[p] - '0');
                p++;
                digits++;
            }
            if (digits == 0 || (p < len && buf[p] != ' ' && buf[p] != '\t' && buf[p] != '\n')) {
                return -1;
            }
            if (seen++ == index) {
                return v;
            }
        }
        return -1;
    }
}
