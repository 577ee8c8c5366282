package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into timed/counted methods; may reference only the bridge. Enter reads the clock; exit makes
 * one static call with primitives and the transform-time {@link MethodId}. What the method returns or
 * throws is untouched (the exit is read-only and the throwable is rethrown by ByteBuddy). Failures are
 * suppressed and counted through the exception handler {@link MethodsModule} installs.
 */
public final class MethodAdvice {
    private MethodAdvice() {
    }

    /** Methods that return anything but a {@code CompletionStage}. */
    public static final class Sync {
        private Sync() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@MethodId int id, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
            Bridge.methodTimed(id, start, thrown);
        }
    }

    /** Methods whose declared return type is a {@code CompletionStage}: timed until it completes. */
    public static final class Stage {
        private Stage() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@MethodId int id, @Advice.Enter long start, @Advice.Return Object returned,
                                @Advice.Thrown Throwable thrown) {
            Bridge.methodStage(id, start, returned, thrown);
        }
    }
}
