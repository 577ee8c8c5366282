package io.dsdagent.agent.instrument.annotation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

import java.util.HashMap;
import java.util.Map;

/**
 * A type pool that reads class files (never loads classes) and, for the four annotations the agent
 * honours, falls back to a {@link StandIns stand-in} when the real annotation class is missing: Micrometer's
 * {@code @Timed} on a class run without Micrometer is still seen. The stand-in keeps the real name
 * through {@link #realName}, so matching stays by name.
 */
public final class StandInPool extends TypePool.Default {
    static final Map<String, TypeDescription> BY_NAME = new HashMap<String, TypeDescription>();
    private static final Map<String, String> REAL = new HashMap<String, String>();

    static {
        put(MethodRules.MM_TIMED, StandIns.MicrometerTimed.class);
        put(MethodRules.MM_COUNTED, StandIns.MicrometerCounted.class);
        put(MethodRules.TIMED, StandIns.OwnTimed.class);
        put(MethodRules.COUNTED, StandIns.OwnCounted.class);
    }

    private static void put(String name, Class<?> standIn) {
        BY_NAME.put(name, TypeDescription.ForLoadedType.of(standIn));
        REAL.put(standIn.getName(), name);
    }

    StandInPool(ClassFileLocator locator) {
        // class files only, as ByteBuddy's PoolStrategy.Default.FAST, but resolving eagerly: the lazy pool
        // drops an annotation whose class is missing before this pool's fallback is asked
        super(CacheProvider.Simple.withObjectType(), locator, ReaderMode.FAST);
    }

    /** A missing honoured annotation becomes its stand-in. */
    @Override
    protected Resolution doDescribe(String name) {
        Resolution r = super.doDescribe(name);
        TypeDescription standIn = BY_NAME.get(name);
        if (standIn != null && !r.isResolved()) {
            return new Resolution.Simple(standIn);
        }
        return r;
    }

    /** The annotation name a stand-in stands for; any other name unchanged. */
    static String realName(String name) {
        String real = REAL.get(name);
        return real == null ? name : real;
    }

    /** The agent's pool strategy: class files only, with stand-ins for missing annotation classes. */
    public static final class Strategy implements AgentBuilder.PoolStrategy {
        /** Describes the stand-ins now: doing it inside a transformation could load classes mid-load. */
        public Strategy() {
            if (BY_NAME.size() != 4) {
                throw new IllegalStateException("stand-ins not described");
            }
        }

        @Override
        public TypePool typePool(ClassFileLocator locator, ClassLoader loader) {
            return new LazyFacade(new StandInPool(locator));
        }

        @Override
        public TypePool typePool(ClassFileLocator locator, ClassLoader loader, String name) {
            return new LazyFacade(new StandInPool(locator));
        }
    }
}
