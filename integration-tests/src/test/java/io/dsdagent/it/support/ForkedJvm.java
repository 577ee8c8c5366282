package io.dsdagent.it.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM forked with (or without) {@code -javaagent:dsd-agent.jar}, its output captured. */
public final class ForkedJvm implements AutoCloseable {
    private final String javaHome;
    private boolean agent = true;
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String classpath = System.getProperty("it.app.classpath");
    private String mainClass;
    private final List<String> args = new ArrayList<>();
    private Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Thread outPump;
    private Thread errPump;

    public ForkedJvm(String javaHome) {
        this.javaHome = javaHome;
    }

    public static String agentJar() {
        String jar = System.getProperty("it.agent.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("agent jar not built: " + jar);
        }
        return new File(jar).getAbsolutePath();
    }

    public ForkedJvm withoutAgent() {
        agent = false;
        return this;
    }

    public ForkedJvm jvmArg(String a) {
        jvmArgs.add(a);
        return this;
    }

    public ForkedJvm env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public ForkedJvm classpath(String cp) {
        classpath = cp;
        return this;
    }

    public ForkedJvm main(String cls, String... a) {
        mainClass = cls;
        args.addAll(List.of(a));
        return this;
    }

    public ForkedJvm start() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Jdks.java(javaHome));
        if (agent) {
            cmd.add("-javaagent:" + agentJar());
        }
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // a clean environment: nothing from the build leaks in, only what the test sets
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("DD_") || k.startsWith("DSD_AGENT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        e.putAll(env);
        process = pb.start();
        outPump = pump(process.getInputStream(), out);
        errPump = pump(process.getErrorStream(), err);
        return this;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for exit; returns the exit code. */
    public int waitFor(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("forked JVM did not exit within " + seconds + " s; stderr:\n" + stderr());
        }
        outPump.join(5000);
        errPump.join(5000);
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    public String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
