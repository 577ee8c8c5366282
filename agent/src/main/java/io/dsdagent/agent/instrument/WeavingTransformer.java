package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import org.objectweb.asm.MethodTooLargeException;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The agent's one transformer: rejects, from the class name or the constant pool alone, every class that
 * matches none of the modules' triggers ({@link ClassFileScan}); hands the rest to the {@link Weaver},
which the first of them makes ({@link LazyWeaver}).
 * A class that fails to weave is left as it was, with one line on stderr; so is every class of a loader
 * that cannot see the bridge ({@link LoaderVisibility}).
 *
 * <p>Re-entrancy: weaving reads supertypes' class files through the class's loader, and a loader may
 * load classes to answer, which calls this transformer again on the same thread. Those nested calls
 * return at once (the class they load is left as it is), as ByteBuddy's circularity lock does, so the
 * agent never weaves inside its own transform nor recurses into a {@code ClassCircularityError}.
 */
public final class WeavingTransformer implements ClassFileTransformer {
    private final Set<String> classNames;
    /** Bit {@code len} (below 64): a class named as a trigger has that length; checked before hashing a name. */
    private final long nameLengths;
    private final int longestName;
    private final byte[][] triggers;
    private final byte[][] prefixes;
    /** The prefilter's question, prepared once. */
    private final ClassFileScan.Query own;
    /**
     * The method-descriptor triggers (those starting with {@code (}), exact and prefixes; null when there
     * are none. A class file mentions such a descriptor when it declares the method or only calls it (a
     * filter calling {@code FilterChain.doFilter}) or declares it abstract (the servlet API's interfaces):
     * only a class that declares it with code can be woven for it ({@link #candidate}).
     */
    private final byte[][] descriptors;
    private final byte[][] descriptorPrefixes;
    /** The other triggers' question (annotation descriptors, internal names); null when there are none. */
    private final ClassFileScan.Query others;
    private final LazyWeaver weaver;
    /** JDK packages (internal-name prefixes) a module weaves: exempt from {@link #ignored}. */
    private final String[] jdkPackages;
    /** The prefilter's answer for the last class the loadClass shortcut walked ({@link #mentionsSharing}). */
    private volatile Scanned scanned;
    /**
     * Classes the JVM has handed this transformer, every loader's, JDK ones too: the samplers wait until
     * it stops moving (the application's start is over). Racy increments: a lost one costs nothing.
     */
    private static int classesSeen;
    /** Set while this thread weaves (the prefilter before it is pure and cannot re-enter). */
    private final ThreadLocal<Boolean> busy = new ThreadLocal<Boolean>();

    WeavingTransformer(Set<String> classNames, byte[][] triggers, byte[][] prefixes, LazyWeaver weaver,
                       String[] jdkPackages) {
        this.classNames = classNames;
        long bits = 0;
        int longest = 0;
        for (String n : classNames) {
            bits |= n.length() < 64 ? 1L << n.length() : 0;
            longest = Math.max(longest, n.length());
        }
        this.nameLengths = bits;
        this.longestName = longest;
        this.triggers = triggers;
        this.prefixes = prefixes;
        this.own = new ClassFileScan.Query(new byte[0][], triggers, prefixes);
        List<byte[]> desc = new ArrayList<byte[]>();
        List<byte[]> descPrefixes = new ArrayList<byte[]>();
        List<byte[]> other = new ArrayList<byte[]>();
        List<byte[]> otherPrefixes = new ArrayList<byte[]>();
        for (byte[] t : triggers) {
            (isDescriptor(t) ? desc : other).add(t);
        }
        for (byte[] t : prefixes) {
            (isDescriptor(t) ? descPrefixes : otherPrefixes).add(t);
        }
        boolean anyDescriptor = !desc.isEmpty() || !descPrefixes.isEmpty();
        this.descriptors = anyDescriptor ? desc.toArray(new byte[0][]) : null;
        this.descriptorPrefixes = anyDescriptor ? descPrefixes.toArray(new byte[0][]) : null;
        this.others = other.isEmpty() && otherPrefixes.isEmpty() ? null
                : new ClassFileScan.Query(new byte[0][], other.toArray(new byte[0][]), otherPrefixes.toArray(new byte[0][]));
        this.weaver = weaver;
        this.jdkPackages = jdkPackages;
    }

    /** Never woven: {@link #ignored}, unless in a JDK package a module weaves. */
    boolean skipped(String internalName) {
        if (!ignored(internalName)) {
            return false;
        }
        for (String p : jdkPackages) {
            if (internalName.startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The class may concern a module: named as a trigger, or its constant pool mentions one; when the only
     * triggers it mentions are method descriptors, it also declares a method with code of one of them
     * (read from its method table, without ASM). Most classes are rejected by the constant-pool walk
     * alone; the few that mention a trigger take the second look.
     */
    public boolean candidate(String className, byte[] classFile) {
        if (className != null && named(className)) {
            return true;
        }
        Scanned s = scanned;
        boolean mentions = s != null && s.classFile == classFile ? s.mentions : own.mentions(classFile) != 0;
        return mentions && (descriptors == null
                || others != null && others.mentions(classFile) != 0
                || ClassFileScan.declaresMethodWithCode(classFile, descriptors, descriptorPrefixes));
    }

    private static boolean isDescriptor(byte[] trigger) {
        return trigger.length > 0 && trigger[0] == '(';
    }

    /**
     * Whether {@code className} is named as a trigger: most names' length rules them out before their
     * hash is computed (a class name's hash is computed afresh for every class the JVM hands over).
     */
    private boolean named(String className) {
        int len = className.length();
        return (len < 64 ? (nameLengths >>> len & 1) != 0 : len <= longestName) && classNames.contains(className);
    }

    /**
     * The question a transformer before this one asks with {@link #mentionsSharing}: whether an entry
     * equals one of {@code wanted}, and this transformer's prefilter. Prepared once, by that transformer.
     */
    public ClassFileScan.Query sharing(byte[][] wanted) {
        return new ClassFileScan.Query(wanted, triggers, prefixes);
    }

    /**
     * For the transformer just before this one in the agent's chain (the loadClass shortcut): one walk
     * of the constant pool answers its question and this transformer's prefilter ({@code both}, from
     * {@link #sharing}); {@link #candidate} then takes its answer for the same class file instead of walking the
     * pool again (issue 18: about 3 us a class, 3,600 classes on a Spring Boot jar). The JVM hands the
     * same array down the chain unless a transformer returned new bytes, so the array's identity says
     * it is the same class file; a class loaded meanwhile on another thread replaces the slot, and this
     * class's check then walks the pool itself.
     */
    public boolean mentionsSharing(byte[] classFile, ClassFileScan.Query both) {
        int m = both.mentions(classFile);
        scanned = new Scanned(classFile, (m & ClassFileScan.SECOND) != 0);
        return (m & ClassFileScan.FIRST) != 0;
    }

    /** A class file's answer to the prefilter, kept by identity until the next class replaces it. */
    private static final class Scanned {
        final byte[] classFile;
        final boolean mentions;

        Scanned(byte[] classFile, boolean mentions) {
            this.classFile = classFile;
            this.mentions = mentions;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        classesSeen++;
        try {
            if (classfileBuffer == null || className == null || skipped(className)) {
                return null;
            }
            weaver.seen();
            if (!candidate(className, classfileBuffer) || LoaderVisibility.cannotSee(loader) || busy.get() != null) {
                return null;
            }
            busy.set(Boolean.TRUE);
            try {
                long t0 = Log.debugEnabled() ? System.nanoTime() : 0;
                Weaver w = weaver.get(); // the first candidate makes it
                if (w == null) {
                    return null;
                }
                byte[] out = w.weave(loader, classfileBuffer);
                if (t0 != 0) {
                    Log.debug((out == null ? "examined " : "instrumented ") + className.replace('/', '.') + " in "
                            + (System.nanoTime() - t0) / 1000 + " us");
                }
                return out;
            } finally {
                busy.remove();
            }
        } catch (MethodTooLargeException t) {
            String name = className.replace('/', '.');
            Log.warnOnce("transform-" + name, "could not instrument " + name + ": its method " + t.getMethodName()
                    + t.getDescriptor() + " would pass the JVM's 64 KB code limit; the class is left unchanged");
            return null;
        } catch (Throwable t) {
            String name = String.valueOf(className).replace('/', '.');
            Log.warnOnce("transform-" + name, "could not instrument " + name + ": " + t + "; left unchanged");
            return null;
        }
    }

    /** Classes the JVM has handed the transformer so far, over all instances (a count that only grows). */
    public static int classesSeen() {
        return classesSeen;
    }

    /**
     * JDK, the agent's own and its relocated libraries' classes are never woven (a module names the JDK
     * packages it weaves: {@link InstrumentationModule#jdkPackages}).
     */
    public static boolean ignored(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/") || internalName.startsWith("io/dsdagent/agent/");
    }
}
