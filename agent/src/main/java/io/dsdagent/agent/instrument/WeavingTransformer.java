package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;

/**
 * The agent's one transformer: rejects, from the class name or the constant pool alone, every class that
 * matches none of the modules' triggers ({@link ClassFileScan}); hands the rest to the {@link Weaver}.
 * A class that fails to weave is left as it was, with one line on stderr; so is every class of a loader
 * that cannot see the bridge ({@link LoaderVisibility}).
 */
public final class WeavingTransformer implements ClassFileTransformer {
    private final Set<String> classNames;
    private final byte[][] triggers;
    private final byte[][] prefixes;
    private final Weaver weaver;

    WeavingTransformer(Set<String> classNames, byte[][] triggers, byte[][] prefixes, Weaver weaver) {
        this.classNames = classNames;
        this.triggers = triggers;
        this.prefixes = prefixes;
        this.weaver = weaver;
    }

    /** The class may concern a module: named as a trigger, or its constant pool mentions one. */
    public boolean candidate(String className, byte[] classFile) {
        return className != null && classNames.contains(className)
                || ClassFileScan.mentionsAny(classFile, triggers, prefixes);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            if (classfileBuffer == null || className == null || ignored(className)
                    || !candidate(className, classfileBuffer) || LoaderVisibility.cannotSee(loader)) {
                return null;
            }
            long t0 = Log.debugEnabled() ? System.nanoTime() : 0;
            byte[] out = weaver.weave(loader, classfileBuffer);
            if (t0 != 0) {
                Log.debug((out == null ? "examined " : "instrumented ") + className.replace('/', '.') + " in "
                        + (System.nanoTime() - t0) / 1000 + " us");
            }
            return out;
        } catch (Throwable t) {
            String name = className.replace('/', '.');
            Log.warnOnce("transform-" + name, "could not instrument " + name + ": " + t + "; left unchanged");
            return null;
        }
    }

    /** JDK, the agent's own and its relocated libraries' classes are never woven. */
    public static boolean ignored(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/") || internalName.startsWith("io/dsdagent/agent/");
    }
}
