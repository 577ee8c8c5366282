package io.dsdagent.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Times every call of the annotated method (or of every method declared by the annotated type) when
 * the dsd-agent is attached. Without the agent it does nothing.
 *
 * <p>The agent matches this annotation by name, so an application may bundle its own copy of this
 * jar in any class loader. Tags added: {@code class}, {@code method}, {@code exception}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timed {
    /** Metric name; {@code method.timed} when empty. */
    String value() default "";

    /** Extra tags, each {@code "key:value"}. */
    String[] tags() default {};

    /** Metric type: {@code "ms"} (timer), {@code "h"} (histogram) or {@code "d"} (distribution);
     *  empty means the agent's default ({@code DSD_AGENT_TIMER_TYPE}, {@code ms} unless set). */
    String type() default "";
}
