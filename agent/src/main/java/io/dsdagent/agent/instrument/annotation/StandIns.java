package io.dsdagent.agent.instrument.annotation;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Descriptions of the annotations the agent honours, for when the application's class files carry an
 * annotation whose class is not on its class path (compiled with Micrometer, run without it). The JVM
 * ignores such annotations and so does a type pool; {@link StandInPool} describes them with these, so
 * their explicit values and defaults can still be read. Only attribute names and defaults matter here.
 */
final class StandIns {
    private StandIns() {
    }

    /** Attributes of {@code io.micrometer.core.annotation.Timed} that the agent reads. */
    @Retention(RetentionPolicy.CLASS)
    @interface MicrometerTimed {
        String value() default "";

        String[] extraTags() default {};

        boolean longTask() default false;

        boolean histogram() default false;

        double[] percentiles() default {};

        String description() default "";
    }

    /** Attributes of {@code io.micrometer.core.annotation.Counted}. */
    @Retention(RetentionPolicy.CLASS)
    @interface MicrometerCounted {
        String value() default "";

        boolean recordFailuresOnly() default false;

        String[] extraTags() default {};

        String description() default "";
    }

    /** Attributes of {@code io.dsdagent.annotation.Timed}. */
    @Retention(RetentionPolicy.CLASS)
    @interface OwnTimed {
        String value() default "";

        String[] tags() default {};

        String type() default "";
    }

    /** Attributes of {@code io.dsdagent.annotation.Counted}. */
    @Retention(RetentionPolicy.CLASS)
    @interface OwnCounted {
        String value() default "";

        String[] tags() default {};

        boolean recordFailuresOnly() default false;
    }
}
