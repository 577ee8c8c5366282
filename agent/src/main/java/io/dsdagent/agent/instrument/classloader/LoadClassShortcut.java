package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.instrument.PrologueVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
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
 * and the loader's own code runs as before. Every other name costs one {@code startsWith}.
 *
 * <p>{@link LoadClassPatch} writes the same bytes without ASM and is tried first; this visitor does the
 * class files it leaves (type annotations in the code, say), and {@link AsmWarmup} runs it to load ASM.
 */
final class LoadClassShortcut extends PrologueVisitor {
    static final String NAME = "loadClass";
    static final String DESC = "(Ljava/lang/String;)Ljava/lang/Class;";
    static final String DESC_RESOLVE = "(Ljava/lang/String;Z)Ljava/lang/Class;";
    private final String prefix;

    /** {@code prefix}: the bridge package followed by a dot. */
    LoadClassShortcut(ClassVisitor next, String prefix) {
        super(next);
        this.prefix = prefix;
    }

    @Override
    protected boolean wants(int access, String name, String desc) {
        return name.equals(NAME) && (desc.equals(DESC) || desc.equals(DESC_RESOLVE))
                && (access & Opcodes.ACC_STATIC) == 0;
    }

    @Override
    protected void prologue(MethodVisitor mv, Object[] locals) {
        Label start = new Label();
        Label end = new Label();
        Label failed = new Label();
        Label own = new Label();
        mv.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitJumpInsn(Opcodes.IFNULL, own);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitLdcInsn(prefix);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "startsWith", "(Ljava/lang/String;)Z", false);
        mv.visitJumpInsn(Opcodes.IFEQ, own);
        mv.visitLabel(start);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(end);
        mv.visitLabel(failed);
        frame(mv, locals, "java/lang/Throwable");
        mv.visitInsn(Opcodes.POP);
        resume(mv, own, locals);
    }

    /**
     * {@code classFile} with the shortcut for names starting with {@code prefix} in its {@code loadClass}
     * methods; null if it declares none.
     */
    static byte[] rewrite(byte[] classFile, String prefix) {
        ClassReader r = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(r, ClassWriter.COMPUTE_MAXS);
        LoadClassShortcut v = new LoadClassShortcut(w, prefix);
        r.accept(v, ClassReader.EXPAND_FRAMES);
        return v.patched() ? w.toByteArray() : null;
    }
}
