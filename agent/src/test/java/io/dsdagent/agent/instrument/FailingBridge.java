package io.dsdagent.agent.instrument;

/**
 * A bridge for {@link Weaver#Weaver(java.util.List, String)} that throws on entry, on exit or both, and
 * counts how often each was called: the woven method must behave as without the agent, and call its
 * exit exactly once per call even when the exit throws.
 */
public final class FailingBridge {
    static volatile Throwable onEnter;
    static volatile Throwable onExit;
    static int enters;
    static int exits;

    private FailingBridge() {
    }

    static void reset(Throwable enter, Throwable exit) {
        onEnter = enter;
        onExit = exit;
        enters = 0;
        exits = 0;
    }

    private static void enter() throws Throwable {
        enters++;
        if (onEnter != null) {
            throw onEnter;
        }
    }

    private static void exit() throws Throwable {
        exits++;
        if (onExit != null) {
            throw onExit;
        }
    }

    public static int hookEnter(int hook, Object a, Object b) throws Throwable {
        enter();
        return 1;
    }

    public static void hookExit(int hook, int code, Object a, Object b, Object returned, Throwable thrown) throws Throwable {
        exit();
    }

    public static void methodTimed(int id, long start, Throwable thrown) throws Throwable {
        exit();
    }

    public static void methodStage(int id, long start, Object returned, Throwable thrown) throws Throwable {
        exit();
    }

    public static void entered() throws Throwable {
        enter();
    }
}
