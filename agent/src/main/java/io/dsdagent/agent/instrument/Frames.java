package io.dsdagent.agent.instrument;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stack map frame contents for one {@link WovenMethod}: its parameters, then TOP up to the first new
 * local, then the new locals. Frames are written in full ({@code F_NEW}) from what the class file says,
 * so weaving never computes a frame, which would need classes loaded to merge types.
 */
final class Frames {
    static final String OBJECT = "java/lang/Object";
    static final String THROWABLE = "java/lang/Throwable";
    private final Object[] params;
    private final int first;
    private final Object[] added;

    Frames(Object[] params, int first, Object[] added) {
        this.params = params;
        this.first = first;
        this.added = added;
    }

    /** Locals on entry: {@code this} and the parameters, as the JVM's implicit first frame has them. */
    static Object[] parameters(String owner, boolean isStatic, Type[] args) {
        List<Object> l = new ArrayList<Object>(args.length + 1);
        if (!isStatic) {
            l.add(owner);
        }
        for (Type t : args) {
            l.add(frameType(t));
        }
        return l.toArray();
    }

    static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT: return Opcodes.FLOAT;
            case Type.LONG: return Opcodes.LONG;
            case Type.DOUBLE: return Opcodes.DOUBLE;
            default: return t.getInternalName();
        }
    }

    /** Local slots taken by frame entries (long and double take two). */
    static int slots(Object[] entries) {
        int n = 0;
        for (Object o : entries) {
            n += o == Opcodes.LONG || o == Opcodes.DOUBLE ? 2 : 1;
        }
        return n;
    }

    Object[] params() {
        return params.clone();
    }

    /** After the entry code: parameters, padding, the new locals. */
    Object[] entered() {
        return extend(params.length, params);
    }

    /** Only the new locals, for code reached from anywhere in the original code (its locals vary by path). */
    Object[] added() {
        return padded(0, new Object[0]).toArray();
    }

    /** At the exit block: the new locals and the saved return value. */
    Object[] returning(Type ret) {
        List<Object> l = padded(0, new Object[0]);
        if (ret.getSort() != Type.VOID) {
            l.add(frameType(ret));
        }
        return l.toArray();
    }

    /** In the throw path's own handler: the new locals, two free slots, the throwable. */
    Object[] throwing() {
        List<Object> l = padded(0, new Object[0]);
        l.add(Opcodes.TOP);
        l.add(Opcodes.TOP);
        l.add(THROWABLE);
        return l.toArray();
    }

    /** An original frame's locals with the padding and the new locals appended. */
    Object[] extend(int nLocal, Object[] local) {
        return padded(nLocal, local).toArray();
    }

    private List<Object> padded(int nLocal, Object[] local) {
        List<Object> l = new ArrayList<Object>(nLocal + first + 3);
        int slots = 0;
        for (int i = 0; i < nLocal; i++) {
            l.add(local[i]);
            slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
        }
        for (; slots < first; slots++) {
            l.add(Opcodes.TOP);
        }
        Collections.addAll(l, added);
        return l;
    }
}
