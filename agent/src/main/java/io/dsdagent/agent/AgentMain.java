package io.dsdagent.agent;

import io.dsdagent.agent.startup.Starter;

import java.lang.instrument.Instrumentation;

/**
 * The {@code Premain-Class} and {@code Agent-Class}: a trampoline to the starter. Any failure disables
 * the agent with one line on stderr; the application always runs. Its last act tells the starter that
 * {@code premain} is returning: only then does the agent's thread open sockets or read {@code /proc}.
 * The bridge is not defined here: nothing calls it before a class is woven, so the starter defines it
 * in the boot loader ({@link BootDefiner}) on the agent's thread, or when the first class is about to be
 * woven (issue 18).
 *
 * <p>The calls to the starter are plain static calls, not reflection: the JVM resolves a call when it is
 * first made (verifying this class loads nothing of the agent), so a starter that cannot load or link
 * throws its {@code LinkageError} inside the {@code try} below, as a reflective call would; and a
 * reflective call with primitive arguments costs about 40 ms on JDK 25, where core reflection spins
 * method handles: a third of what the whole agent then added to a short {@code main} (issue 18).
 */
public final class AgentMain {
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
            Starter.start(args, inst, lateAttach, t0);
            Starter.premainReturned();
        } catch (Throwable t) {
            System.err.println("[dsd-agent] ERROR agent disabled: could not start: " + t);
        }
    }
}
