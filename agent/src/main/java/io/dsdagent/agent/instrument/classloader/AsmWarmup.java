package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.instrument.LoaderVisibility;
import io.dsdagent.agent.instrument.Resources;

/**
 * Loads, links and runs ASM once on a daemon thread of its own, so the first class the weaver parses on
 * an application thread does not load and verify about 30 ASM classes there (issue 18: on a Spring Boot
 * jar that thread is the main thread). The weaver's {@code LazyWeaver} starts it once the application
 * has loaded 50 classes of its own (a short {@code main} never does); the loaders an application defines
 * first no longer need ASM ({@link LoadClassPatch}), so this thread is usually done before the first
 * class is woven. It runs {@link LoadClassShortcut}'s ASM path on a sample loader: the same reader,
 * writer, frame and visitor classes the weaver uses, and nothing that refers to the bridge (which may
 * not be defined yet). If an application thread needs a class this thread is loading or initializing,
 * the JVM makes it wait for that one class; both threads take ASM's classes in the order ASM's own code
 * does, so they never wait on each other in a cycle. Whatever is not done when the weaver starts, the
 * weaver's thread does itself.
 *
 * <p>The weaver's starter then makes the weaver on this thread too ({@link #start(Runnable)}): the bridge
 * defined and the agent's services built first, as on an application thread, then the modules prepared.
 * An application thread that brings a candidate meanwhile waits for that, as it would for another
 * application thread making it.
 *
 * <p>A daemon thread nothing waits for: a JVM that exits first does not wait for it, nor does the exit
 * flush (beyond the agent's start-up lock, if the JVM exits while this thread holds it to build the
 * services). A failure is silent: nothing is lost but the head start.
 */
public final class AsmWarmup implements Runnable {
    public static final String THREAD_NAME = "dsd-agent-warmup";

    /** Run after ASM, on the same thread (the weaver made ahead of its first class); null: nothing. */
    private final Runnable then;

    private AsmWarmup(Runnable then) {
        this.then = then;
    }

    /**
     * Starts the warm-up thread, which ends by itself; it then runs {@code then} (null: nothing) on that
     * thread, whose failure is its own to report.
     */
    public static Thread start(Runnable then) {
        Thread t = new Thread(new AsmWarmup(then), THREAD_NAME);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        try {
            warm();
        } catch (Throwable t) {
            // the weaver's first class loads ASM itself, as without the warm-up
        }
        if (then != null) {
            try {
                then.run();
            } catch (Throwable t) {
                // LazyWeaver.get reports its own failure in one line and leaves no weaver: as if the
                // first candidate class had made it
            }
        }
    }

    /** The sample loader rewritten through ASM: true when the whole path ran (the shortcut was put in). */
    static boolean warm() throws Exception {
        byte[] sample = Resources.agentClass(AsmWarmup.class.getName() + "$Sample"); // read, never loaded
        return LoadClassShortcut.rewrite(sample, LoaderVisibility.BRIDGE_PACKAGE + ".") != null;
    }

    /**
     * Only read as a class file: a loader whose {@code loadClass} has branches, a lock and a handler, as
     * real ones have, so ASM reads and writes frames, exception tables and debug attributes.
     */
    static final class Sample extends ClassLoader {
        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = getParent().loadClass(name);
                    } catch (ClassNotFoundException e) {
                        c = findClass(name);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
