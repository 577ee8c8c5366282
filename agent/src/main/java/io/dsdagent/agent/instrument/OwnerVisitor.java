package io.dsdagent.agent.instrument;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class visitor that remembers what its method rewriters need from the class header: the class's
 * internal name and whether its version has stack-map frames (Java 6+), so inserted code writes frames
 * exactly when the class's own code does.
 */
abstract class OwnerVisitor extends ClassVisitor {
    /** The internal name of the class being visited. */
    String owner;
    /** Whether the class's version carries stack-map frames. */
    boolean frames;

    OwnerVisitor(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }
}
