package io.micrometer.core.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Test stand-in with the name and attributes of Micrometer's annotation: the agent matches by name only. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timed {
    String value() default "";

    String[] extraTags() default {};

    boolean longTask() default false;

    boolean histogram() default false;
}
