package io.dsdagent.bootstrap;

/**
 * What a container hook of the agent extends (the agent's {@code instrument.HookTable} calls it behind
 * {@link Bridge#hookEnter}/{@link Bridge#hookExit}). A hook is defined next to the container API it is
 * compiled against, in a child loader of that API's loader, so the agent's own classes cannot name it; this
 * class, defined with the bridge in the boot loader, is what both sides see. Calling a hook through it is an
 * ordinary virtual call the JIT can inline, not a method handle it cannot. The defaults do nothing.
 */
public abstract class Hook {
    /** The hook's enter: the code its {@link #exit} gets back; 0 when it tracks nothing. */
    public int enter(Object a, Object b) {
        return 0;
    }

    /** The hook's exit: {@code returned} or {@code thrown} are what the woven method returned or threw. */
    public void exit(int code, Object a, Object b, Object returned, Throwable thrown) {
    }
}
