package io.dsdagent.agent.instrument.osgi;

import io.dsdagent.agent.instrument.LoaderVisibility;
import io.dsdagent.agent.instrument.PrologueVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites an OSGi framework's boot-delegation decision, a method {@code boolean m(String pkg)} ({@link #DESC}),
 * so that it answers true for the bridge package before its own code runs: the framework then loads the
 * bridge from the boot loader, where the agent defined it. This is what the framework would do had the
 * user listed the package in {@code org.osgi.framework.bootdelegation}, which a Felix launcher reads only
 * from its own configuration map, never from system properties. The inserted code calls only
 * {@code String.startsWith} on a non-null argument, so it cannot throw or fail to link.
 */
final class BootDelegationVisitor extends PrologueVisitor {
    /** The decision's descriptor: a package name in, delegate or not out. */
    static final String DESC = "(Ljava/lang/String;)Z";
    private final String method;
    private final String bridgePackage;

    BootDelegationVisitor(ClassVisitor next, String method, String bridgePackage) {
        super(next);
        this.method = method;
        this.bridgePackage = bridgePackage;
    }

    @Override
    protected boolean wants(int access, String name, String desc) {
        return name.equals(method) && desc.equals(DESC);
    }

    @Override
    protected void prologue(MethodVisitor mv, Object[] locals) {
        int pkg = locals.length - 1;
        Label own = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, pkg);
        mv.visitJumpInsn(Opcodes.IFNULL, own);
        mv.visitVarInsn(Opcodes.ALOAD, pkg);
        mv.visitLdcInsn(bridgePackage);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "startsWith", DESC, false);
        mv.visitJumpInsn(Opcodes.IFEQ, own);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IRETURN);
        resume(mv, own, locals);
    }

    /** {@code classFile} with {@code method} answering true for the bridge package; null if it has no such method. */
    static byte[] rewrite(byte[] classFile, String method) {
        ClassReader r = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(r, ClassWriter.COMPUTE_MAXS);
        BootDelegationVisitor v = new BootDelegationVisitor(w, method, LoaderVisibility.BRIDGE_PACKAGE);
        r.accept(v, ClassReader.EXPAND_FRAMES);
        return v.patched() ? w.toByteArray() : null;
    }
}
