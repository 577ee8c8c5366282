package io.dsdagent.agent.instrument;

import org.objectweb.asm.Opcodes;

import java.util.List;

/** The class being examined, as read from its class file, and the loader defining it. */
public final class ClassInfo {
    /** Null for the boot loader. */
    public final ClassLoader loader;
    /** Internal name ({@code com/acme/Orders}). */
    public final String name;
    public final int access;
    public final String superName;
    public final String[] interfaces;
    /** Annotations of the types the modules asked for. */
    public final List<Ann> annotations;

    ClassInfo(ClassLoader loader, String name, int access, String superName, String[] interfaces,
              List<Ann> annotations) {
        this.loader = loader;
        this.name = name;
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
        this.annotations = annotations;
    }

    /** Binary name, dotted. */
    public String dottedName() {
        return name.replace('/', '.');
    }

    public boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    /** This class is, extends or implements {@code type} (internal name); read from class files, nothing loaded. */
    public boolean isSubtypeOf(String type) {
        return name.equals(type) || Types.isSubtype(loader, superName, interfaces, type);
    }

    /** {@code type} is, extends or implements {@code target} (internal names), as this class's loader sees them. */
    public boolean isAssignable(String type, String target) {
        return Types.isSubtype(loader, type, target);
    }

    /** The defining loader can see {@code resource} (an API's class file, such as {@code jakarta/servlet/Servlet.class}). */
    public boolean loaderSees(String resource) {
        return Types.sees(loader, resource);
    }
}
