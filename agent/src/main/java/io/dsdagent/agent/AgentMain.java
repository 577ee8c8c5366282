package io.dsdagent.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code Premain-Class} and {@code Agent-Class}: a trampoline. It defines the bridge in the boot
 * loader, then hands over by reflection to the starter, so that this class links against nothing of
 * the agent. Any failure disables the agent with one line on stderr; the application always runs.
 * Its last act tells the starter that {@code premain} is returning: only then does the agent's thread
 * open sockets or read {@code /proc}. If the bridge cannot be defined in the boot loader, the starter
 * gets no {@code Instrumentation}: nothing is woven (woven code would have no bridge to call), the rest
 * of the agent runs.
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
        Instrumentation weaving = inst;
        try {
            BootDefiner.defineBridge(inst, AgentMain.class);
        } catch (Throwable t) {
            weaving = null;
            System.err.println("[dsd-agent] ERROR instrumentation disabled: could not define the bridge in the boot"
                    + " loader (" + t + "); runtime metrics and sockstat still run");
        }
        try {
            Class<?> starter = Class.forName("io.dsdagent.agent.startup.Starter", true, AgentMain.class.getClassLoader());
            starter.getMethod("start", String.class, Instrumentation.class, boolean.class, long.class)
                    .invoke(null, args, weaving, lateAttach, t0);
            starter.getMethod("premainReturned").invoke(null);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            System.err.println("[dsd-agent] ERROR agent disabled: could not start: " + cause);
        }
    }
}
