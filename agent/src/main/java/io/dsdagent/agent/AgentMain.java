package io.dsdagent.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.function.Function;

/**
 * The {@code Premain-Class} and {@code Agent-Class}: a trampoline into the agent's own class loader
 * ({@link AgentLoader}), where every other agent class is defined. Any failure disables the agent with
 * one line on stderr; the application always runs. Its last act tells the starter that {@code premain}
 * is returning: only then does the agent's thread open sockets or read {@code /proc}. The bridge is not
 * defined here: nothing calls it before a class is woven, so the starter defines it in the boot loader
 * ({@link BootDefiner}) on the agent's thread, or when the first class is about to be woven (issue 18).
 *
 * <p>The starter is reached through JDK interfaces that an entry class of the agent's loader hands over
 * from its static initializer ({@link Entry}), not through reflection: a reflective call costs about
 * 40 ms on JDK 25, where core reflection spins method handles (issue 18). One loader serves the JVM's
 * life: a second attach goes to the agent already running in it, which ignores it with one line.
 */
public final class AgentMain {
    /** The agent's entry in its loader, once made; guarded by {@code AgentMain.class}. */
    private static Function<Object[], Runnable> entry;

    private AgentMain() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static void start(String args, Instrumentation inst, boolean lateAttach) {
        long t0 = System.nanoTime();
        try {
            entry().apply(new Object[] {args, inst, lateAttach, t0}).run();
        } catch (Throwable t) {
            System.err.println("[dsd-agent] ERROR agent disabled: could not start: " + t);
        }
    }

    @SuppressWarnings("unchecked")
    private static synchronized Function<Object[], Runnable> entry() throws Exception {
        if (entry == null) {
            URL location = AgentMain.class.getProtectionDomain().getCodeSource().getLocation();
            AgentLoader loader = new AgentLoader(new File(location.toURI()), location,
                    AgentMain.class.getPackage().getImplementationVersion());
            Class.forName(AgentMain.class.getPackage().getName() + ".Entry", true, loader);
            entry = (Function<Object[], Runnable>) loader.entry;
        }
        return entry;
    }
}
