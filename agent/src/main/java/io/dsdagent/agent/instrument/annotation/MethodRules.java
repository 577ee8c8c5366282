package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.TimedMethodsSetting;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Registry;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Which methods are timed or counted, and how: decided from type descriptions only (annotations are
 * matched <em>by name</em> and their values read from ByteBuddy's description of the class file, so no
 * annotation class is loaded, and Micrometer need not be on the class path).
 *
 * <p>Rules: a method's own {@code @Timed}/{@code @Counted} wins over the one on its declaring type, ours
 * over Micrometer's, any annotation over {@code DSD_AGENT_TIMED_METHODS}. Constructors, type initializers,
 * abstract, native, synthetic and bridge methods are never instrumented.
 */
public final class MethodRules {
    static final String TIMED = "io.dsdagent.annotation.Timed";
    static final String COUNTED = "io.dsdagent.annotation.Counted";
    static final String MM_TIMED = "io.micrometer.core.annotation.Timed";
    static final String MM_COUNTED = "io.micrometer.core.annotation.Counted";
    static final String DEFAULT_TIMER = "method.timed";
    static final String DEFAULT_COUNTER = "method.counted";

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

    /** Types worth transforming: cheap name checks first, then declared annotations (no class loading). */
    ElementMatcher.Junction<TypeDescription> types() {
        List<String> names = new ArrayList<String>(4);
        if (own) {
            names.add(TIMED);
            names.add(COUNTED);
        }
        if (micrometer) {
            names.add(MM_TIMED);
            names.add(MM_COUNTED);
        }
        ElementMatcher.Junction<TypeDescription> listed = timedMethods.isEmpty()
                ? none() : namedOneOf(timedMethods.keySet().toArray(new String[0]));
        if (names.isEmpty()) {
            return listed;
        }
        ElementMatcher.Junction<TypeDescription> skipped = nameContains("$$"); // generated proxies
        for (String p : LIBRARIES) {
            skipped = skipped.or(nameStartsWith(p));
        }
        for (int i = 0, size = names.size(); i < size; i++) {
            names.add(StandInPool.BY_NAME.get(names.get(i)).getName()); // the real class may be missing
        }
        String[] n = names.toArray(new String[0]);
        return listed.or(not(skipped).and(isAnnotatedWith(namedOneOf(n))
                .or(declaresMethod(isAnnotatedWith(namedOneOf(n))))));
    }

    /** The plan for {@code method} of {@code type}, or null if it is not instrumented. Never throws. */
    MethodPlan plan(TypeDescription type, MethodDescription method) {
        try {
            return planOrNull(type, method);
        } catch (Throwable t) {
            Log.warnOnce("plan-" + type.getName(), "could not read the annotations of " + type.getName() + ": " + t
                    + "; its methods are not measured");
            return null;
        }
    }

    private MethodPlan planOrNull(TypeDescription type, MethodDescription m) {
        if (m.isConstructor() || m.isTypeInitializer() || m.isAbstract() || m.isNative() || m.isSynthetic()
                || m.isBridge()) {
            return null;
        }
        AnnotationList mine = m.getDeclaredAnnotations();
        AnnotationList typeLevel = type.getDeclaredAnnotations();
        String cls = type.getName();
        String name = m.getName();
        List<String> base = new ArrayList<String>(2);
        base.add("class:" + cls);
        base.add("method:" + name);

        String timerName = null;
        String[] timerTags = null;
        int timerType = defaultTimerType;
        AnnotationDescription timed = pick(mine, TIMED, MM_TIMED);
        if (timed == null) {
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
        AnnotationDescription counted = pick(mine, COUNTED, MM_COUNTED);
        if (counted == null) {
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
        return new MethodPlan(cls, name, timerName, timerTags, timerType, counterName, counterTags, failuresOnly,
                returnsStage(m));
    }

    private boolean listed(String cls, String method) {
        Set<String> methods = timedMethods.get(cls);
        return methods != null && (methods.contains(TimedMethodsSetting.ALL) || methods.contains(method));
    }

    /** Ours if present and honoured, else Micrometer's if present and honoured. */
    private AnnotationDescription pick(AnnotationList list, String ours, String theirs) {
        AnnotationDescription found = null;
        for (AnnotationDescription a : list) {
            String n = StandInPool.realName(a.getAnnotationType().getName());
            if (own && n.equals(ours)) {
                return a;
            }
            if (micrometer && n.equals(theirs)) {
                found = a;
            }
        }
        return found;
    }

    private static boolean isOwn(AnnotationDescription a) {
        String n = StandInPool.realName(a.getAnnotationType().getName());
        return n.equals(TIMED) || n.equals(COUNTED);
    }

    /** An attribute's value (explicit or the annotation's default), or null if it cannot be read. */
    static <T> T value(AnnotationDescription a, String property, Class<T> type) {
        try {
            Object v = a.getValue(property).resolve();
            return type.isInstance(v) ? type.cast(v) : null;
        } catch (Throwable t) {
            return null; // attribute unknown to this version of the annotation, or its type is missing
        }
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
        int t = Config.timerTypeOf(type);
        if (t < 0) {
            Log.warnOnce("timer-type-" + where, "@Timed(type = \"" + type + "\") on " + where
                    + " is not ms, h or d; using DSD_AGENT_TIMER_TYPE");
            return defaultTimerType;
        }
        return t;
    }

    private static boolean returnsStage(MethodDescription m) {
        try {
            TypeDescription r = m.getReturnType().asErasure();
            return !r.isPrimitive() && r.isAssignableTo(CompletionStage.class);
        } catch (Throwable t) {
            return false; // the return type's hierarchy cannot be described: time the call itself
        }
    }
}
