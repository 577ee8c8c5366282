package io.dsdagent.agent.instrument;

/**
 * What the {@link Weaver} inserts into one method: its weave-time plan. "Advice" is only this plan;
 * "hook" means only the agent classes run in a container's loader ({@code *Hook}, {@code HookTable},
 * {@code Bridge.hookEnter/hookExit}), which a {@link #CALL} advice reaches. Every kind only adds calls
 * to the boot loader's bridge and local variables, never members, so the same weaving serves first loads
 * and retransformation (late attach), and class-data-shared classes that are not woven stay shared.
 */
public final class Advice {
    /** Timed/counted method: reads the clock on entry, {@code Bridge.methodTimed(id, start, thrown)} on exit. */
    static final int TIMED = 1;
    /** As {@link #TIMED}, but hands what the method returned to {@code Bridge.methodStage} (a CompletionStage). */
    static final int STAGE = 2;
    /** API stub: the body becomes one call to the bridge method of the same name and descriptor. */
    static final int REPLACE = 3;
    /** Container hook: {@code Bridge.hookEnter(id, a, b)} on entry, {@code Bridge.hookExit(..)} on exit. */
    static final int CALL = 4;
    /** Entry only: one call to a no-argument bridge method. */
    static final int BRIDGE_ENTER = 5;
    /** As a parameter index of {@link #call}: the instrumented object itself. */
    public static final int THIS = -2;

    final int kind;
    /** Method id ({@link #TIMED}, {@link #STAGE}) or hook id ({@link #CALL}). */
    final int id;
    final boolean enter;
    final boolean exit;
    /** {@link #CALL}: the exit gets the return value (boxed). */
    final boolean passReturn;
    /** {@link #CALL}: parameter indexes (0-based, -1 for none) passed as {@code a} and {@code b}. */
    final int argA;
    final int argB;
    /** {@link #BRIDGE_ENTER}: the bridge method's name. */
    final String bridgeMethod;

    private Advice(int kind, int id, boolean enter, boolean exit, boolean passReturn, int argA, int argB) {
        this.kind = kind;
        this.id = id;
        this.enter = enter;
        this.exit = exit;
        this.passReturn = passReturn;
        this.argA = argA;
        this.argB = argB;
        this.bridgeMethod = null;
    }

    private Advice(String bridgeMethod) {
        this.kind = BRIDGE_ENTER;
        this.id = 0;
        this.enter = true;
        this.exit = false;
        this.passReturn = false;
        this.argA = -1;
        this.argB = -1;
        this.bridgeMethod = bridgeMethod;
    }

    /** On entry, calls the bridge's static no-argument, void method {@code name}. */
    public static Advice bridgeOnEntry(String name) {
        return new Advice(name);
    }

    /** Times the method for {@code methodId}; {@code stage}: it returns a CompletionStage, timed until done. */
    public static Advice timed(int methodId, boolean stage) {
        return new Advice(stage ? STAGE : TIMED, methodId, true, true, stage, -1, -1);
    }

    /** Replaces a static stub's body with a call to the bridge method of the same name and descriptor. */
    public static Advice replace() {
        return new Advice(REPLACE, 0, false, false, false, -1, -1);
    }

    /**
     * Calls container hook {@code hookId} on entry and/or exit with parameters {@code argA}, {@code argB}
     * (0-based, -1 for none); {@code passReturn}: the exit also gets the return value.
     */
    public static Advice call(int hookId, boolean enter, boolean exit, boolean passReturn, int argA, int argB) {
        return new Advice(CALL, hookId, enter, exit, passReturn, argA, argB);
    }

    @Override
    public String toString() {
        return "Advice[kind " + kind + ", id " + id + "]";
    }
}
