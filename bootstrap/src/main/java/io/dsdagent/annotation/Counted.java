package io.dsdagent.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Counts every call of the annotated method (or of every method declared by the annotated type) when
 * the dsd-agent is attached. Without the agent it does nothing. Matched by name by the agent.
 * Tags added: {@code class}, {@code method}, {@code result} ({@code success}/{@code failure}),
 * {@code exception}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Counted {
    /** Metric name; {@code method.counted} when empty. */
    String value() default "";

    /** Extra tags, each {@code "key:value"}. */
    String[] tags() default {};

    /** Count only calls that end with an exception. */
    boolean recordFailuresOnly() default false;
}
