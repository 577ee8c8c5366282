package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.MetricType;
import io.dsdagent.agent.config.TimedMethodsSetting;
import io.dsdagent.agent.instrument.Ann;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Registry;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which methods are timed or counted, and how: decided from type descriptions only (annotations are
 * matched <em>by name</em> and their values read from the class file, so no annotation class is loaded,
 * and Micrometer need not be on the class path; an attribute not written in the class file has its
 * default). Which methods a type-level annotation reaches is {@link TypeLevelRule}'s.
 *
 * <p>Rules: a method's own {@code @Timed}/{@code @Counted} wins over the one on its declaring type, ours
 * over Micrometer's, any annotation over {@code DSD_AGENT_TIMED_METHODS}. A method's own annotation
 * applies whatever its visibility. A type-level one applies to what a Spring AOP proxy of the type
 * would see: the public, non-static methods it declares, less {@code toString}, {@code hashCode},
 * {@code equals} and, in Kotlin classes, the generated {@code componentN} and {@code copy}.
 * Constructors, type initializers, abstract, native, synthetic and bridge methods are never
 * instrumented, nor Kotlin {@code suspend} functions: their body is entered again on every resumption,
 * so one call would be timed as several (one line says so).
 */
public final class MethodRules {
    static final String TIMED = "io.dsdagent.annotation.Timed";
    static final String COUNTED = "io.dsdagent.annotation.Counted";
    static final String MM_TIMED = "io.micrometer.core.annotation.Timed";
    static final String MM_COUNTED = "io.micrometer.core.annotation.Counted";
    static final String DEFAULT_TIMER = "method.timed";
    static final String DEFAULT_COUNTER = "method.counted";
    private static final String SUSPEND_TAIL = "Lkotlin/coroutines/Continuation;)Ljava/lang/Object;";

    /**
     * Packages whose classes are not scanned for annotations (frameworks and libraries that never carry
     * the user's annotations): cheap rejection before any method is examined. DSD_AGENT_TIMED_METHODS
     * still reaches them by exact class name.
     */
    private static final String[] LIBRARIES = {
        "org.springframework.", "org.apache.", "org.eclipse.", "org.hibernate.", "org.jboss.", "org.glassfish.",
        "io.netty.", "io.micrometer.", "io.undertow.", "io.opentelemetry.", "io.grpc.", "reactor.", "kotlin.",
        "kotlinx.", "scala.", "groovy.", "org.codehaus.groovy.", "com.fasterxml.", "com.google.", "org.slf4j.",
        "ch.qos.logback.", "org.aspectj.", "org.objectweb.", "org.h2.", "com.zaxxer.", "org.postgresql.",
        "com.mysql.", "org.junit.", "org.gradle.", "org.mockito.",
    };

    private final boolean own;
    private final boolean micrometer;
    private final Map<String, Set<String>> timedMethods;
    private final int defaultTimerType;

    /**
     * @param own honour {@code io.dsdagent.annotation.*}
     * @param micrometer honour {@code io.micrometer.core.annotation.*}
     * @param timedMethods {@code DSD_AGENT_TIMED_METHODS}, parsed
     * @param defaultTimerType registry type for timers that do not choose one
     */
    public MethodRules(boolean own, boolean micrometer, Map<String, Set<String>> timedMethods, int defaultTimerType) {
        this.own = own;
        this.micrometer = micrometer;
        this.timedMethods = timedMethods;
        this.defaultTimerType = defaultTimerType;
    }

    static MethodRules from(Config config) {
        return new MethodRules(config.instrumentationEnabled("annotations"), config.micrometerAnnotations,
                config.timedMethods, config.timerType);
    }

    /** False when nothing at all is to be instrumented. */
    boolean active() {
        return own || micrometer || !timedMethods.isEmpty();
    }

    /** Descriptors of the annotations honoured. */
    String[] annotationDescriptors() {
        List<String> d = new ArrayList<String>(4);
        if (own) {
            d.add(descriptor(TIMED));
            d.add(descriptor(COUNTED));
        }
        if (micrometer) {
            d.add(descriptor(MM_TIMED));
            d.add(descriptor(MM_COUNTED));
        }
        d.add(descriptor(TypeLevelRule.KOTLIN_METADATA));
        return d.toArray(new String[0]);
    }

    static String descriptor(String annotation) {
        return "L" + annotation.replace('.', '/') + ";";
    }

    /**
     * Classes worth examining: those listed in {@code DSD_AGENT_TIMED_METHODS}, and (when annotations are
     * honoured) any class outside the boot loader, the known libraries and generated proxies.
     */
    boolean examines(ClassInfo c) {
        if (c.loader == null) {
            return false; // boot-loader classes are never the user's
        }
        String name = c.dottedName();
        if (timedMethods.containsKey(name)) {
            return true;
        }
        if (!own && !micrometer || name.contains("$$")) {
            return false;
        }
        for (String p : LIBRARIES) {
            if (name.startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    /** The plan for {@code method} of {@code type}, or null if it is not instrumented. Never throws. */
    MethodPlan plan(ClassInfo type, MethodInfo method) {
        try {
            return planOrNull(type, method);
        } catch (Throwable t) {
            Log.warnOnce("plan-" + type.dottedName(), "could not read the annotations of " + type.dottedName() + ": "
                    + t + "; its methods are not measured");
            return null;
        }
    }

    private MethodPlan planOrNull(ClassInfo type, MethodInfo m) {
        if (m.isInitializer() || !m.hasCode() || m.is(Opcodes.ACC_SYNTHETIC) || m.is(Opcodes.ACC_BRIDGE)) {
            return null;
        }
        List<Ann> mine = m.annotations;
        List<Ann> typeLevel = type.annotations;
        String cls = type.dottedName();
        String name = m.name;
        List<String> base = new ArrayList<String>(2);
        base.add("class:" + cls);
        base.add("method:" + name);

        String timerName = null;
        String[] timerTags = null;
        int timerType = defaultTimerType;
        boolean byType = TypeLevelRule.applies(type, m);
        Ann timed = pick(mine, TIMED, MM_TIMED);
        if (timed == null && byType) {
            timed = pick(typeLevel, TIMED, MM_TIMED);
        }
        if (timed != null) {
            if (isOwn(timed)) {
                timerName = nameOr(value(timed, "value", String.class), DEFAULT_TIMER);
                timerTags = tags(base, value(timed, "tags", String[].class), false);
                timerType = timerType(value(timed, "type", String.class), cls + "." + name);
            } else if (!Boolean.TRUE.equals(value(timed, "longTask", Boolean.class))) {
                timerName = nameOr(value(timed, "value", String.class), DEFAULT_TIMER);
                timerTags = tags(base, value(timed, "extraTags", String[].class), true);
                if (Boolean.TRUE.equals(value(timed, "histogram", Boolean.class))) {
                    timerType = Registry.DISTRIBUTION | Registry.NANOS;
                }
            }
        } else if (listed(cls, name)) {
            timerName = DEFAULT_TIMER;
            timerTags = tags(base, null, false);
        }

        String counterName = null;
        String[] counterTags = null;
        boolean failuresOnly = false;
        Ann counted = pick(mine, COUNTED, MM_COUNTED);
        if (counted == null && byType) {
            counted = pick(typeLevel, COUNTED, MM_COUNTED);
        }
        if (counted != null) {
            boolean ours = isOwn(counted);
            counterName = nameOr(value(counted, "value", String.class), DEFAULT_COUNTER);
            counterTags = tags(base, value(counted, ours ? "tags" : "extraTags", String[].class), !ours);
            failuresOnly = Boolean.TRUE.equals(value(counted, "recordFailuresOnly", Boolean.class));
        }
        if (timerName == null && counterName == null) {
            return null;
        }
        if (m.desc.endsWith(SUSPEND_TAIL)) {
            Log.warnOnce("suspend-" + cls + "." + name, "not measuring " + cls + "." + name + ": a Kotlin suspend"
                    + " function is entered again on every resumption, so one call would count as several; measure"
                    + " a caller that waits for it, or return a CompletableFuture (timed until it completes)");
            return null;
        }
        return new MethodPlan(cls, name, timerName, timerTags, timerType, counterName, counterTags, failuresOnly,
                returnsStage(type, m));
    }

    private boolean listed(String cls, String method) {
        Set<String> methods = timedMethods.get(cls);
        return methods != null && (methods.contains(TimedMethodsSetting.ALL) || methods.contains(method));
    }

    /** Ours if present and honoured, else Micrometer's if present and honoured. */
    private Ann pick(List<Ann> list, String ours, String theirs) {
        Ann found = null;
        for (Ann a : list) {
            String n = a.type;
            if (own && n.equals(ours)) {
                return a;
            }
            if (micrometer && n.equals(theirs)) {
                found = a;
            }
        }
        return found;
    }

    private static boolean isOwn(Ann a) {
        String n = a.type;
        return n.equals(TIMED) || n.equals(COUNTED);
    }

    /** An attribute's value as written in the class file, or null (not given: its default). */
    static <T> T value(Ann a, String property, Class<T> type) {
        return a.value(property, type);
    }

    private static String nameOr(String v, String def) {
        return v == null || v.trim().isEmpty() ? def : v.trim();
    }

    /** Static tags: class, method, then the user's ({@code key:value}, or Micrometer's key/value pairs). */
    private static String[] tags(List<String> base, String[] extra, boolean pairs) {
        List<String> out = new ArrayList<String>(base);
        if (extra != null) {
            if (pairs) {
                for (int i = 0; i + 1 < extra.length; i += 2) {
                    out.add(extra[i] + ":" + extra[i + 1]);
                }
            } else {
                Collections.addAll(out, extra);
            }
        }
        return out.toArray(new String[0]);
    }

    private int timerType(String type, String where) {
        if (type == null || type.trim().isEmpty()) {
            return defaultTimerType;
        }
        int t = MetricType.ofNanos(type);
        if (t < 0) {
            Log.warnOnce("timer-type-" + where, "@Timed(type = \"" + type + "\") on " + where
                    + " is not ms, h or d; using DSD_AGENT_TIMER_TYPE");
            return defaultTimerType;
        }
        return t;
    }

    private static boolean returnsStage(ClassInfo type, MethodInfo m) {
        try {
            Type r = Type.getReturnType(m.desc);
            return r.getSort() == Type.OBJECT
                    && type.isAssignable(r.getInternalName(), "java/util/concurrent/CompletionStage");
        } catch (Throwable t) {
            return false; // the return type's hierarchy cannot be read: time the call itself
        }
    }
}
