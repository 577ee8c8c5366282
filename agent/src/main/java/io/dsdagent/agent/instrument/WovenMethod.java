package io.dsdagent.agent.instrument;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves one {@link Advice} with an exit ({@link Advice#TIMED}, {@link Advice#STAGE}, {@link Advice#CALL}) or an
 * entry call only ({@link Advice#BRIDGE_ENTER}, an enter-only {@link Advice#CALL}) around a method's code.
 *
 * <pre>
 *   enter:   start = System.nanoTime()  |  code = 0; a = arg; b = arg; try { code = Bridge.hookEnter(..) } catch (Throwable) {}
 *   [start, end):  the original code; every xRETURN becomes "returned = value; goto exit"
 *   exit:    try { Bridge.exit(.., null) } catch (Throwable) { return returned; }  return returned;
 *   handler (catch-all over [start, end), listed last): thrown = t;
 *            try { Bridge.exit(.., thrown) } catch (Throwable) { throw thrown; }  throw thrown;
 * </pre>
 *
 * What must hold: nothing the bridge call throws ({@code LinkageError} included, as when the
 * method's loader cannot resolve the bridge) reaches the application, and the method returns or throws
 * exactly what it would without the agent. The exit code exists once, outside the catch-all range, so a
 * failing exit call cannot run the exit path again. New locals live above the original
 * {@code max_locals}; every original frame is extended with them and each inserted merge point gets a
 * frame of its own, so no frame is computed and no class is loaded to do so.
 */
final class WovenMethod extends MethodVisitor {
    private final String bridge;
    private final Advice advice;
    private final boolean isStatic;
    private final Type[] args;
    private final Type ret;
    private final Frames frames;
    /** First new local: the entry's value (long start or int code), then (CALL) the two arguments. */
    private final int first;
    private final int returned;
    private final int thrown;
    private final Label start = new Label();
    private final Label end = new Label();
    private final Label handler = new Label();
    private final Label exit = new Label();
    private boolean returns;

    WovenMethod(MethodVisitor mv, String bridge, Advice advice, String owner, int access, String desc, int maxLocals,
                boolean frames) {
        super(Weaver.API, mv);
        this.bridge = bridge;
        this.advice = advice;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.args = Type.getArgumentTypes(desc);
        this.ret = Type.getReturnType(desc);
        Object[] params = Frames.parameters(owner, isStatic, args);
        this.first = Math.max(maxLocals, Frames.slots(params));
        Object[] added = !advice.exit ? new Object[0] : advice.kind == Advice.CALL
                ? new Object[] {Opcodes.INTEGER, Frames.OBJECT, Frames.OBJECT} : new Object[] {Opcodes.LONG};
        this.frames = frames ? new Frames(params, first, added) : null;
        this.returned = first + Frames.slots(added);
        this.thrown = returned + 2;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        if (advice.kind == Advice.BRIDGE_ENTER) {
            Label s = guardStart();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, advice.bridgeMethod, "()V", false);
            guardEnd(s, frames == null ? null : frames.params());
        } else if (advice.kind == Advice.CALL && !advice.exit) {
            Label s = guardStart();
            hookEnter(argSlot(advice.argA), argSlot(advice.argB));
            mv.visitInsn(Opcodes.POP);
            guardEnd(s, frames == null ? null : frames.params());
        } else if (advice.kind == Advice.CALL) {
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ISTORE, first);
            loadArg(argSlot(advice.argA));
            mv.visitVarInsn(Opcodes.ASTORE, first + 1);
            loadArg(argSlot(advice.argB));
            mv.visitVarInsn(Opcodes.ASTORE, first + 2);
            if (advice.enter) {
                Label s = guardStart();
                hookEnter(first + 1, first + 2);
                mv.visitVarInsn(Opcodes.ISTORE, first);
                guardEnd(s, frames == null ? null : frames.entered());
            }
        } else {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
            mv.visitVarInsn(Opcodes.LSTORE, first);
        }
        mv.visitLabel(start);
    }

    /** Opens a guarded range around one inserted call. */
    private Label guardStart() {
        Label s = new Label();
        mv.visitLabel(s);
        return s;
    }

    /** Closes the range opened at {@code s}: its handler drops the throwable and joins the normal path. */
    private void guardEnd(Label s, Object[] locals) {
        Label e = new Label();
        Label h = new Label();
        Label after = new Label();
        mv.visitLabel(e);
        mv.visitTryCatchBlock(s, e, h, Frames.THROWABLE);
        mv.visitJumpInsn(Opcodes.GOTO, after);
        mv.visitLabel(h);
        frame(locals, Frames.THROWABLE);
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(after);
        if (locals != null) {
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
            mv.visitInsn(Opcodes.NOP); // the original code may have a frame at its first instruction
        }
    }

    @Override
    public void visitFrame(int type, int nLocal, Object[] local, int nStack, Object[] stack) {
        if (!advice.exit || type != Opcodes.F_NEW || frames == null) {
            super.visitFrame(type, nLocal, local, nStack, stack);
            return;
        }
        Object[] l = frames.extend(nLocal, local);
        super.visitFrame(Opcodes.F_NEW, l.length, l, nStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        if (advice.exit && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (opcode != Opcodes.RETURN) {
                mv.visitVarInsn(ret.getOpcode(Opcodes.ISTORE), returned);
            }
            mv.visitJumpInsn(Opcodes.GOTO, exit);
            returns = true;
            return;
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (advice.exit) {
            mv.visitLabel(end);
            mv.visitTryCatchBlock(start, end, handler, null); // after the method's own: lowest precedence
            if (returns) {
                exitBlock();
            }
            throwBlock();
        }
        super.visitMaxs(0, 0); // computed by the writer
    }

    /** Where every return jumps: the guarded exit call, then the return of the saved value. */
    private void exitBlock() {
        Object[] locals = frames == null ? null : frames.returning(ret);
        mv.visitLabel(exit);
        frame(locals, null);
        guardedExit(false, locals);
    }

    /** The catch-all handler: the guarded exit call with the throwable, which is then rethrown as it was. */
    private void throwBlock() {
        mv.visitLabel(handler);
        frame(frames == null ? null : frames.added(), Frames.THROWABLE);
        mv.visitVarInsn(Opcodes.ASTORE, thrown);
        guardedExit(true, frames == null ? null : frames.throwing());
    }

    /**
     * The exit call, guarded in place: after it, and after its handler (frame {@code handlerLocals}) drops
     * what it threw, the method leaves as it would have: rethrows when {@code failed}, else returns.
     */
    private void guardedExit(boolean failed, Object[] handlerLocals) {
        Label s = guardStart();
        Label e = new Label();
        Label h = new Label();
        exitCall(failed);
        mv.visitLabel(e);
        mv.visitTryCatchBlock(s, e, h, Frames.THROWABLE);
        leave(failed);
        mv.visitLabel(h);
        frame(handlerLocals, Frames.THROWABLE);
        mv.visitInsn(Opcodes.POP);
        leave(failed);
    }

    private void leave(boolean failed) {
        if (failed) {
            mv.visitVarInsn(Opcodes.ALOAD, thrown);
            mv.visitInsn(Opcodes.ATHROW);
        } else {
            returnSaved();
        }
    }

    private void returnSaved() {
        if (ret.getSort() != Type.VOID) {
            mv.visitVarInsn(ret.getOpcode(Opcodes.ILOAD), returned);
        }
        mv.visitInsn(ret.getOpcode(Opcodes.IRETURN));
    }

    /** A full frame with {@code locals} and, if given, one throwable on the stack; nothing for old class files. */
    private void frame(Object[] locals, String onStack) {
        if (locals != null) {
            Object[] stack = onStack == null ? new Object[0] : new Object[] {onStack};
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
        }
    }

    /** {@code Bridge.hookEnter(id, a, b)} with {@code a}, {@code b} from local slots (-1: null); its code left on the stack. */
    private void hookEnter(int slotA, int slotB) {
        ExitCalls.push(mv, advice.id);
        loadArg(slotA);
        loadArg(slotB);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, bridge, "hookEnter", "(ILjava/lang/Object;Ljava/lang/Object;)I", false);
    }

    private void exitCall(boolean failed) {
        new ExitCalls(mv, bridge, advice, ret, first, returned, thrown).call(failed);
    }

    /** The local slot of parameter {@code index} ({@link Advice#THIS}: slot 0), or -1 if it is absent or not an object. */
    private int argSlot(int index) {
        if (index == Advice.THIS && !isStatic) {
            return 0;
        }
        if (index < 0 || index >= args.length || (args[index].getSort() != Type.OBJECT
                && args[index].getSort() != Type.ARRAY)) {
            return -1;
        }
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += args[i].getSize();
        }
        return slot;
    }

    private void loadArg(int slot) {
        if (slot < 0) {
            mv.visitInsn(Opcodes.ACONST_NULL);
        } else {
            mv.visitVarInsn(Opcodes.ALOAD, slot);
        }
    }
}
