package io.dsdagent.agent.instrument.api;

import io.dsdagent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice for {@code io.dsdagent.api.Hooks}, the API facade's no-op stubs: each stub is made to forward
 * to the bridge. One nested class per stub; inlined, so it may reference only the bridge.
 */
public final class ApiAdvice {
    private ApiAdvice() {
    }

    public static final class Register {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int type, @Advice.Argument(1) String name,
                                @Advice.Argument(2) String[] tags,
                                @Advice.Return(readOnly = false) int id) {
            id = Bridge.register(type, name, tags);
        }
    }

    public static final class Count {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int id, @Advice.Argument(1) long delta) {
            Bridge.count(id, delta);
        }
    }

    public static final class Gauge {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int id, @Advice.Argument(1) double value) {
            Bridge.gauge(id, value);
        }
    }

    public static final class RecordNanos {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int id, @Advice.Argument(1) long nanos) {
            Bridge.recordNanos(id, nanos);
        }
    }

    public static final class Record {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int id, @Advice.Argument(1) double value) {
            Bridge.record(id, value);
        }
    }

    public static final class SetAdd {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) int id, @Advice.Argument(1) String member) {
            Bridge.setAdd(id, member);
        }
    }

    public static final class Event {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String title, @Advice.Argument(1) String text,
                                @Advice.Argument(2) long ts, @Advice.Argument(3) String host,
                                @Advice.Argument(4) String key, @Advice.Argument(5) String priority,
                                @Advice.Argument(6) String source, @Advice.Argument(7) String alert,
                                @Advice.Argument(8) String[] tags) {
            Bridge.event(title, text, ts, host, key, priority, source, alert, tags);
        }
    }

    public static final class ServiceCheck {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String name, @Advice.Argument(1) int status,
                                @Advice.Argument(2) long ts, @Advice.Argument(3) String host,
                                @Advice.Argument(4) String message, @Advice.Argument(5) String[] tags) {
            Bridge.serviceCheck(name, status, ts, host, message, tags);
        }
    }
}
