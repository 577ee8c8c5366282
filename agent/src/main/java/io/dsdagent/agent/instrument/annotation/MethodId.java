package io.dsdagent.agent.instrument.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an advice parameter that receives the instrumented method's id in the {@link MethodTable}, as an
 * {@code int} constant written into the bytecode at transform time ({@link MethodIdMapping}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface MethodId {
}
