package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.ClassFileScan;
import io.dsdagent.agent.instrument.LoaderSupport;
import io.dsdagent.agent.instrument.LoaderVisibility;
import io.dsdagent.agent.instrument.Retransformer;
import io.dsdagent.agent.instrument.WeavingTransformer;
import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * Every other class loader: an application's or library's own loader (child-first webapp and plugin
 * loaders, ones that hide packages) gets {@link LoadClassShortcut}, as the Datadog and OpenTelemetry
 * agents instrument every {@code ClassLoader.loadClass}. Only classes whose constant pool names
 * {@code loadClass} with one of its descriptors, and whose method table declares such a method
 * ({@link ClassFileScan#declaresMethod}), are parsed and rewritten (a method of that name and shape
 * outside a class loader gets the same harmless shortcut). JDK loaders are never touched: they delegate
 * to the boot loader already. The rewrite is written straight into the class file ({@link LoadClassPatch});
 * only a class file it does not handle takes ASM ({@link LoadClassShortcut}).
 */
public final class ClassLoaderSupport implements LoaderSupport {
    static final byte[][] NAME = {bytes(LoadClassShortcut.NAME)};
    static final byte[][] DESCS = {bytes(LoadClassShortcut.DESC), bytes(LoadClassShortcut.DESC_RESOLVE)};
    private static final byte[][] NONE = new byte[0][];
    static final ClassFileScan.Query NAMES_IT = new ClassFileScan.Query(NONE, NAME, NONE);
    static final ClassFileScan.Query NAMES_A_DESC = new ClassFileScan.Query(NONE, DESCS, NONE);

    /** The weaving transformer after this one, whose prefilter the shortcut's walk answers too; null: none. */
    private WeavingTransformer weaving;

    @Override
    public void shareScan(WeavingTransformer weaving) {
        this.weaving = weaving;
    }

    @Override
    public String name() {
        return "classloader";
    }

    @Override
    public void install(Instrumentation inst, Config config, boolean enabled, boolean lateAttach) {
        if (!enabled) {
            return;
        }
        // debug: the same transformer, measured; otherwise nothing in between
        inst.addTransformer(Log.debugEnabled() ? new MeasuredShortcut(new Transformer(weaving)) : new Transformer(weaving), true);
        if (lateAttach) {
            List<Class<?>> loaders = new ArrayList<Class<?>>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (ClassLoader.class.isAssignableFrom(c) && !WeavingTransformer.ignored(c.getName().replace('.', '/'))
                        && inst.isModifiableClass(c)) {
                    loaders.add(c);
                }
            }
            Retransformer.inBatches(inst, loaders, Retransformer.BATCH); // one pause per batch, not per loader
        }
    }

    /**
     * {@code classFile} with the shortcut for names starting with {@code prefix} (the bridge package and a
     * dot) in its {@code loadClass} methods; null if it declares none.
     */
    static byte[] rewrite(byte[] classFile, String prefix) {
        byte[] b = LoadClassPatch.rewrite(classFile, prefix); // no ASM: the first loaders come early, on the main thread
        return b != LoadClassPatch.UNSUPPORTED ? b : LoadClassShortcut.rewrite(classFile, prefix);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final class Transformer implements ClassFileTransformer {
        private final WeavingTransformer weaving;
        /** Its question and the weaver's prefilter, in one walk; null without a weaving transformer. */
        private final ClassFileScan.Query both;

        Transformer(WeavingTransformer weaving) {
            this.weaving = weaving;
            this.both = weaving == null ? null : weaving.sharing(NAME);
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd,
                                byte[] classFile) {
            if (className == null || classFile == null || WeavingTransformer.ignored(className)
                    || !(weaving != null ? weaving.mentionsSharing(classFile, both) // one walk for both
                            : NAMES_IT.mentions(classFile) != 0)
                    || NAMES_A_DESC.mentions(classFile) == 0
                    // a class that calls loadClass names it too: rewrite only one that declares it
                    || !ClassFileScan.declaresMethod(classFile, NAME[0], DESCS)) {
                return null;
            }
            try {
                return rewrite(classFile, LoaderVisibility.BRIDGE_PACKAGE + ".");
            } catch (Throwable t) {
                String name = className.replace('/', '.');
                Log.warnOnce("shortcut-" + name, "could not let the class loader " + name
                        + " see the agent's bridge (" + t + "); left unchanged");
                return null;
            }
        }
    }
}
