package io.dsdagent.agent.instrument.osgi;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites an OSGi framework's boot-delegation decision, a method {@code boolean m(String pkg)} ({@link #DESC}), so that
 * it answers true for the bridge package before its own code runs: the framework then loads the bridge
 * from the boot loader, where the agent defined it. This is what the framework would do had the user
 * listed the package in {@code org.osgi.framework.bootdelegation}, which a Felix launcher reads only from
 * its own configuration map, never from system properties.
 *
 * <p>The inserted code calls only {@code String.startsWith} on a non-null argument, so it cannot throw
 * or fail to link; it adds no member (legal on retransformation) and one stack map frame, written
 * out in full, so no frame is recomputed and no class is loaded to do so.
 */
final class BootDelegationVisitor extends ClassVisitor {
    /** The decision's descriptor: a package name in, delegate or not out. */
    static final String DESC = "(Ljava/lang/String;)Z";
    private static final String STRING = "java/lang/String";
    private final String method;
    private final String bridgePackage;
    private String owner;
    private boolean frames;
    private boolean patched;

    BootDelegationVisitor(ClassVisitor next, String method, String bridgePackage) {
        super(Opcodes.ASM9, next);
        this.method = method;
        this.bridgePackage = bridgePackage;
    }

    /** Whether the decision method was found and rewritten. */
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
    public MethodVisitor visitMethod(int access, String name, String d, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, d, signature, exceptions);
        if (!name.equals(method) || !d.equals(DESC) || (access & Opcodes.ACC_ABSTRACT) != 0) {
            return mv;
        }
        patched = true;
        final boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
        return new MethodVisitor(Opcodes.ASM9, mv) {
            @Override
            public void visitCode() {
                super.visitCode();
                int pkg = isStatic ? 0 : 1;
                Label own = new Label();
                super.visitVarInsn(Opcodes.ALOAD, pkg);
                super.visitJumpInsn(Opcodes.IFNULL, own);
                super.visitVarInsn(Opcodes.ALOAD, pkg);
                super.visitLdcInsn(bridgePackage);
                super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "startsWith", DESC, false);
                super.visitJumpInsn(Opcodes.IFEQ, own);
                super.visitInsn(Opcodes.ICONST_1);
                super.visitInsn(Opcodes.IRETURN);
                super.visitLabel(own);
                if (frames) {
                    Object[] locals = isStatic ? new Object[] {STRING} : new Object[] {owner, STRING};
                    super.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
                }
                // the original code may start with a frame of its own: never two frames at one offset
                super.visitInsn(Opcodes.NOP);
            }
        };
    }
}
