package io.dsdagent.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Reads class files and other resources whole. */
public final class Resources {
    private Resources() {
    }

    /** Everything {@code in} holds; closes it. */
    public static byte[] readAll(InputStream in) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(in.available(), 1024));
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    /** The agent's own class file for {@code className} (binary name). */
    public static byte[] agentClass(String className) throws IOException {
        String res = className.replace('.', '/') + ".class";
        InputStream in = Resources.class.getClassLoader().getResourceAsStream(res);
        if (in == null) {
            throw new IOException(res + " not found in the agent jar");
        }
        return readAll(in);
    }

    /**
     * The class file of {@code internalName} as {@code loader} (null: the boot loader) sees it, falling back
     * to the system loader (JDK types seen from any loader); null if none can be read.
     */
    public static byte[] classFile(ClassLoader loader, String internalName) {
        long t0 = measured ? System.nanoTime() : 0;
        String res = internalName + ".class";
        try {
            InputStream in = loader != null ? loader.getResourceAsStream(res) : null;
            if (in == null) {
                in = ClassLoader.getSystemResourceAsStream(res);
            }
            return in == null ? null : readAll(in);
        } catch (Exception e) {
            return null;
        } finally {
            if (measured) {
                READS.incrementAndGet();
                READ_NANOS.addAndGet(System.nanoTime() - t0);
            }
        }
    }

    /** Debug only ({@link MeasuredTransformer}): set once, before any class is transformed. */
    private static volatile boolean measured;
    private static final AtomicLong READS = new AtomicLong();
    private static final AtomicLong READ_NANOS = new AtomicLong();

    static void measureReads() {
        measured = true;
    }

    /** Class files read by {@link #classFile} since {@link #measureReads}. */
    static long reads() {
        return READS.get();
    }

    /** Wall time spent in {@link #classFile}, in nanoseconds (the read blocks, so wall time is its cost). */
    static long readNanos() {
        return READ_NANOS.get();
    }
}
