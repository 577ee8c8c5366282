package io.dsdagent.agent.instrument.classloader;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Puts a shortcut at the start of a class loader's {@code loadClass(String)} and
 * {@code loadClass(String, boolean)}: a name in the bridge package is answered with the boot loader's
 * class ({@code Class.forName(name, false, null)}) before the loader's own code runs, whatever that code
 * would do (a child-first loader that hides {@code io.dsdagent.agent.*}, a framework that delegates only
 * what it lists). The JVM resolves a woven class's reference to the bridge through exactly these
 * methods of its defining loader, so woven code links everywhere.
 *
 * <p>Guarded: a failure of the shortcut (a security manager refusing the boot lookup, say) is caught
 * and the loader's own code runs as before. Every other name costs one {@code startsWith}. No member is
 * added (legal on retransformation); the two frames are written out in full, so no frame is recomputed
 * and no class is loaded to do so.
 */
final class LoadClassShortcut extends ClassVisitor {
    static final String NAME = "loadClass";
    static final String DESC = "(Ljava/lang/String;)Ljava/lang/Class;";
    static final String DESC_RESOLVE = "(Ljava/lang/String;Z)Ljava/lang/Class;";
    private static final String STRING = "java/lang/String";
    private final String prefix;
    private String owner;
    private boolean frames;
    private boolean patched;

    /** {@code prefix}: the bridge package followed by a dot. */
    LoadClassShortcut(ClassVisitor next, String prefix) {
        super(Opcodes.ASM9, next);
        this.prefix = prefix;
    }

    boolean patched() {
        return patched;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
        boolean resolve = desc.equals(DESC_RESOLVE);
        if (!name.equals(NAME) || !(resolve || desc.equals(DESC))
                || (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return mv;
        }
        patched = true;
        final Object[] locals = resolve ? new Object[] {owner, STRING, Opcodes.INTEGER} : new Object[] {owner, STRING};
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                Label start = new Label();
                Label end = new Label();
                Label failed = new Label();
                Label own = new Label();
                super.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitJumpInsn(Opcodes.IFNULL, own);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitLdcInsn(prefix);
                super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "startsWith", "(Ljava/lang/String;)Z", false);
                super.visitJumpInsn(Opcodes.IFEQ, own);
                super.visitLabel(start);
                super.visitVarInsn(Opcodes.ALOAD, 1);
                super.visitInsn(Opcodes.ICONST_0);
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                        "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
                super.visitInsn(Opcodes.ARETURN);
                super.visitLabel(end);
                super.visitLabel(failed);
                frame(new Object[] {"java/lang/Throwable"});
                super.visitInsn(Opcodes.POP);
                super.visitLabel(own);
                frame(new Object[0]);
                // the original code may start with a frame of its own: never two frames at one offset
                super.visitInsn(Opcodes.NOP);
            }

            private void frame(Object[] stack) {
                if (frames) {
                    super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
                }
            }
        };
    }
}
