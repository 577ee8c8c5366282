package io.dsdagent.agent.instrument;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * {@link Advice#REPLACE}: an API stub's body is preceded by {@code try { return Bridge.<name>(<its
 * arguments>); } catch (Throwable t) { }}. The stub's own code (the no-op it does without the agent)
 * stays after it, so when the bridge call fails, {@code NoClassDefFoundError} included, the stub
 * behaves exactly as without the agent. Only static stubs are replaced.
 */
final class StubBody extends MethodVisitor {
    private final String bridge;
    private final String name;
    private final String desc;
    private final boolean frames;

    StubBody(MethodVisitor out, String bridge, String name, String desc, boolean frames) {
        super(Weaver.API, out);
        this.bridge = bridge;
        this.name = name;
        this.desc = desc;
        this.frames = frames;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        Label s = new Label();
        Label e = new Label();
        Label h = new Label();
        mv.visitTryCatchBlock(s, e, h, Frames.THROWABLE);
        mv.visitLabel(s);
        Type[] args = Type.getArgumentTypes(desc);
        int slot = 0;
        for (Type t : args) {
            mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
            slot += t.getSize();
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, name, desc, false);
        mv.visitLabel(e);
        mv.visitInsn(Type.getReturnType(desc).getOpcode(Opcodes.IRETURN));
        mv.visitLabel(h);
        if (frames) {
            Object[] locals = Frames.parameters(null, true, args);
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {Frames.THROWABLE});
        }
        mv.visitInsn(Opcodes.POP); // the stub's own code follows
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        super.visitMaxs(0, 0); // computed by the writer
    }
}
