package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.instrument.Ann;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.MethodInfo;
import org.objectweb.asm.Opcodes;

/**
 * Which methods a {@code @Timed}/{@code @Counted} on a type reaches: what a Spring AOP proxy of the type
 * would intercept, so the agent and Micrometer's aspect time the same methods. Decided from the class
 * file alone (Kotlin is told by its {@code kotlin.Metadata} annotation, read by name), never by loading.
 */
final class TypeLevelRule {
    /** On every class kotlinc writes: tells its generated data-class methods from the user's. */
    static final String KOTLIN_METADATA = "kotlin.Metadata";

    private TypeLevelRule() {
    }

    /**
     * Public and non-static, and not {@code toString}, {@code hashCode}, {@code equals}, nor in a Kotlin
     * class the generated {@code copy} and {@code componentN}.
     */
    static boolean applies(ClassInfo type, MethodInfo m) {
        if (!m.is(Opcodes.ACC_PUBLIC) || m.is(Opcodes.ACC_STATIC)) {
            return false;
        }
        String sig = m.name + m.desc;
        if (sig.equals("toString()Ljava/lang/String;") || sig.equals("hashCode()I")
                || sig.equals("equals(Ljava/lang/Object;)Z")) {
            return false;
        }
        return !isKotlin(type) || !(m.name.equals("copy") || isComponent(m.name));
    }

    private static boolean isKotlin(ClassInfo type) {
        for (Ann a : type.annotations) {
            if (a.type.equals(KOTLIN_METADATA)) {
                return true;
            }
        }
        return false;
    }

    /** {@code component1}, {@code component2}, ...: a data class's destructuring accessors. */
    private static boolean isComponent(String name) {
        if (!name.startsWith("component") || name.length() == 9) {
            return false;
        }
        for (int i = 9; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
