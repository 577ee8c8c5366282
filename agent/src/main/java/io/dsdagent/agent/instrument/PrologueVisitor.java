package io.dsdagent.agent.instrument;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Puts a short prologue at the start of the methods a subclass picks and changes nothing else: the
 * shape of the agent's class-loader shortcuts (an OSGi framework's boot-delegation decision, a loader's
 * {@code loadClass}). The prologue either returns early or reaches {@link #resume}, where the method's
 * own code starts. No member is added (legal on retransformation), and the frames the prologue needs are
 * written out in full from the method's entry locals, so no frame is recomputed and no class is loaded
 * to do so. Read the class with {@code EXPAND_FRAMES}: the original frames must be full ones too.
 */
public abstract class PrologueVisitor extends OwnerVisitor {
    private boolean patched;

    protected PrologueVisitor(ClassVisitor next) {
        super(next);
    }

    /** Whether a method got the prologue. */
    public final boolean patched() {
        return patched;
    }

    /** Whether the method (never abstract or native) gets the prologue. */
    protected abstract boolean wants(int access, String name, String desc);

    /** Writes the prologue through {@code mv}, ending with {@link #resume}; {@code locals} as for {@link #frame}. */
    protected abstract void prologue(MethodVisitor mv, Object[] locals);

    @Override
    public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || !wants(access, name, desc)) {
            return mv;
        }
        patched = true;
        final Object[] locals = Frames.parameters(owner, (access & Opcodes.ACC_STATIC) != 0, Type.getArgumentTypes(desc));
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                prologue(mv, locals);
            }
        };
    }

    /** A full frame at this point: the method's entry {@code locals} and {@code stack}, if the class has frames. */
    protected final void frame(MethodVisitor mv, Object[] locals, Object... stack) {
        if (frames) {
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
        }
    }

    /** Where the method's own code starts: {@code label}, its frame, and a NOP, so two frames never share an offset. */
    protected final void resume(MethodVisitor mv, Label label, Object[] locals) {
        mv.visitLabel(label);
        frame(mv, locals);
        mv.visitInsn(Opcodes.NOP);
    }
}
