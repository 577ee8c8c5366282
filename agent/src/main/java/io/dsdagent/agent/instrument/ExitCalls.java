package io.dsdagent.agent.instrument;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The one bridge call a {@link WovenMethod}'s exit makes, by advice kind: primitives, the weave-time id and
 * what the entry saved, never a lookup by name. {@link WovenMethod} guards the call; this only emits it.
 */
final class ExitCalls {
    private final MethodVisitor mv;
    private final String bridge;
    private final Advice advice;
    private final Type ret;
    private final int first;
    private final int returned;
    private final int thrown;

    ExitCalls(MethodVisitor mv, String bridge, Advice advice, Type ret, int first, int returned, int thrown) {
        this.mv = mv;
        this.bridge = bridge;
        this.advice = advice;
        this.ret = ret;
        this.first = first;
        this.returned = returned;
        this.thrown = thrown;
    }

    /** The exit call; {@code failed}: from the throw path, the throwable in local {@code thrown}. */
    void call(boolean failed) {
        push(mv, advice.id);
        boolean value = !failed && ret.getSort() != Type.VOID;
        if (advice.kind == Advice.CALL) {
            mv.visitVarInsn(Opcodes.ILOAD, first);
            mv.visitVarInsn(Opcodes.ALOAD, first + 1);
            mv.visitVarInsn(Opcodes.ALOAD, first + 2);
            if (advice.passReturn && value) {
                loadBoxed(returned, ret);
            } else {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
            throwable(failed);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, "hookExit",
                    "(IILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V", false);
        } else if (advice.kind == Advice.STAGE) {
            mv.visitVarInsn(Opcodes.LLOAD, first);
            if (value && (ret.getSort() == Type.OBJECT || ret.getSort() == Type.ARRAY)) {
                mv.visitVarInsn(Opcodes.ALOAD, returned);
            } else {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
            throwable(failed);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, "methodStage", "(IJLjava/lang/Object;Ljava/lang/Throwable;)V",
                    false);
        } else {
            mv.visitVarInsn(Opcodes.LLOAD, first);
            throwable(failed);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, "methodTimed", "(IJLjava/lang/Throwable;)V", false);
        }
    }

    private void throwable(boolean failed) {
        if (failed) {
            mv.visitVarInsn(Opcodes.ALOAD, thrown);
        } else {
            mv.visitInsn(Opcodes.ACONST_NULL);
        }
    }

    private void loadBoxed(int slot, Type t) {
        mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
        String box;
        switch (t.getSort()) {
            case Type.BOOLEAN: box = "java/lang/Boolean"; break;
            case Type.BYTE: box = "java/lang/Byte"; break;
            case Type.CHAR: box = "java/lang/Character"; break;
            case Type.SHORT: box = "java/lang/Short"; break;
            case Type.INT: box = "java/lang/Integer"; break;
            case Type.LONG: box = "java/lang/Long"; break;
            case Type.FLOAT: box = "java/lang/Float"; break;
            case Type.DOUBLE: box = "java/lang/Double"; break;
            default: return;
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, box, "valueOf", "(" + t.getDescriptor() + ")L" + box + ";", false);
    }

    /** The shortest instruction that pushes int {@code v}. */
    static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }
}
