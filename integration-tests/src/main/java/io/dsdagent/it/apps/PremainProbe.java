package io.dsdagent.it.apps;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A test agent listed before dsd-agent ({@code -javaagent:probe.jar -javaagent:dsd-agent.jar}) that
 * looks inside dsd-agent's {@code premain}: its transformer sees every class load. Once the agent's
 * thread exists and the main thread (still in dsd-agent's {@code premain}) loads an instrumentation
 * class, the probe holds the main thread there until the agent's thread either waits for
 * {@code premain} to return (parked in the starter) or loads a class that does I/O (transport, packer,
 * origin, samplers). Both outcomes are decided, not timed, and {@link #main} prints the verdict and the
 * sockets open at that moment; then it waits for a line on stdin.
 */
public final class PremainProbe {
    private static final List<String> AGENT_THREAD_LOADS = Collections.synchronizedList(new ArrayList<>());
    private static volatile String verdict = "never checked: no instrumentation class loaded after the agent thread started";

    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            private boolean checked;

            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain pd, byte[] b) {
                if (name == null) {
                    return null;
                }
                if (Thread.currentThread().getName().equals("dsd-agent-aggregator")) {
                    AGENT_THREAD_LOADS.add(name);
                } else if (!checked && name.startsWith("io/dsdagent/agent/instrument/") && agentThread() != null) {
                    checked = true;
                    verdict = check();
                }
                return null;
            }
        });
    }

    private static String check() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> io = ioLoads();
            if (!io.isEmpty()) {
                return "I/O during premain: " + io + "; sockets " + sockets();
            }
            Thread t = agentThread();
            if (t != null && t.getState() == Thread.State.WAITING && inStarter(t.getStackTrace())) {
                return "agent thread waits for premain to return; I/O classes loaded " + ioLoads() + "; sockets " + sockets();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return "undecided after 30 s: agent thread " + agentThread() + " loaded " + AGENT_THREAD_LOADS;
    }

    private static List<String> ioLoads() {
        List<String> io = new ArrayList<>();
        synchronized (AGENT_THREAD_LOADS) {
            for (String n : AGENT_THREAD_LOADS) {
                if (n.startsWith("io/dsdagent/agent/transport/") || n.startsWith("io/dsdagent/agent/sample/")
                        || n.equals("io/dsdagent/agent/encode/Packer") || n.startsWith("io/dsdagent/agent/startup/Origin")
                        || n.startsWith("io/dsdagent/agent/startup/ContainerId")) {
                    io.add(n);
                }
            }
        }
        return io;
    }

    private static boolean inStarter(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().startsWith("io.dsdagent.agent.startup.Starter")) {
                return true;
            }
        }
        return false;
    }

    private static Thread agentThread() {
        Thread[] all = new Thread[Thread.activeCount() + 8];
        int n = Thread.enumerate(all);
        for (int i = 0; i < n; i++) {
            if (all[i].getName().equals("dsd-agent-aggregator")) {
                return all[i];
            }
        }
        return null;
    }

    /** Sockets this process has open, from {@code /proc/self/fd}. */
    private static int sockets() {
        int n = 0;
        File[] fds = new File("/proc/self/fd").listFiles();
        for (File fd : fds == null ? new File[0] : fds) {
            try {
                if (Files.readSymbolicLink(fd.toPath()).toString().startsWith("socket:")) {
                    n++;
                }
            } catch (Exception ignored) {
                // closed meanwhile
            }
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("probe: " + verdict);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
