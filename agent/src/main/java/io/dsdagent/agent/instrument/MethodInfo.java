package io.dsdagent.agent.instrument;

import org.objectweb.asm.Opcodes;

import java.util.List;

/** One method of a class being examined, as read from its class file. */
public final class MethodInfo {
    public final int access;
    public final String name;
    public final String desc;
    /** Annotations of the types the modules asked for ({@link InstrumentationModule.Matcher#annotations}). */
    public final List<Ann> annotations;

    MethodInfo(int access, String name, String desc, List<Ann> annotations) {
        this.access = access;
        this.name = name;
        this.desc = desc;
        this.annotations = annotations;
    }

    public boolean is(int flag) {
        return (access & flag) != 0;
    }

    /** Has code of its own: not abstract or native. */
    public boolean hasCode() {
        return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0;
    }

    /** A constructor or type initializer. */
    public boolean isInitializer() {
        return name.charAt(0) == '<';
    }

    @Override
    public String toString() {
        return name + desc;
    }
}
