package io.dsdagent.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code Premain-Class} and {@code Agent-Class}: a trampoline. It hands over by reflection to the
 * starter, so that this class links against nothing of the agent. Any failure disables the agent with
 * one line on stderr; the application always runs. Its last act tells the starter that {@code premain}
 * is returning: only then does the agent's thread open sockets or read {@code /proc}. The bridge is not
 * defined here: nothing calls it before a class is woven, so the starter defines it in the boot loader
 * ({@link BootDefiner}) when the first class is about to be, or on the agent's thread (issue 18).
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
            Class<?> starter = Class.forName("io.dsdagent.agent.startup.Starter", true, AgentMain.class.getClassLoader());
            starter.getMethod("start", String.class, Instrumentation.class, boolean.class, long.class)
                    .invoke(null, args, inst, lateAttach, t0);
            starter.getMethod("premainReturned").invoke(null);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            System.err.println("[dsd-agent] ERROR agent disabled: could not start: " + cause);
        }
    }
}
