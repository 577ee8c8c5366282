package io.dsdagent.bootstrap;

/**
 * The static entry points that advice inlined into application classes calls.
 *
 * <p>Loader picture: the agent defines its relocated copy of this package directly in the boot loader
 * (never by appending to the boot class path, which would switch off class-data sharing), so every
 * class loader, including child-first webapp loaders, links advice to the one live copy. The agent
 * then {@link #install installs} its {@link Sink}. Until then, and if the agent fails, every call is a
 * cheap no-op. Nothing here may throw into application code.
 */
public final class Bridge {
    private static volatile Sink sink;
    private static volatile long droppedBeforeInstall;

    private Bridge() {
    }

    /** Called once by the agent's starter. */
    public static void install(Sink s) {
        sink = s;
    }

    /** Calls made before the sink was installed; reported as telemetry. */
    public static long droppedBeforeInstall() {
        return droppedBeforeInstall;
    }

    private static void notInstalled() {
        droppedBeforeInstall++; // racy on purpose: an estimate, never a lock on this path
    }

    public static int register(int type, String name, String[] tags) {
        Sink s = sink;
        if (s == null) {
            return -1;
        }
        try {
            return s.register(type, name, tags);
        } catch (Throwable t) {
            return -1;
        }
    }

    public static void count(int id, long delta) {
        Sink s = sink;
        if (s != null) {
            s.count(id, delta);
        } else {
            notInstalled();
        }
    }

    public static void gauge(int id, double value) {
        Sink s = sink;
        if (s != null) {
            s.gauge(id, value);
        } else {
            notInstalled();
        }
    }

    public static void recordNanos(int id, long nanos) {
        Sink s = sink;
        if (s != null) {
            s.recordNanos(id, nanos);
        } else {
            notInstalled();
        }
    }

    public static void record(int id, double value) {
        Sink s = sink;
        if (s != null) {
            s.record(id, value);
        } else {
            notInstalled();
        }
    }

    public static void setAdd(int id, String member) {
        Sink s = sink;
        if (s != null) {
            s.setAdd(id, member);
        } else {
            notInstalled();
        }
    }

    public static void event(String title, String text, long timestampSeconds, String hostname,
                             String aggregationKey, String priority, String sourceType, String alertType,
                             String[] tags) {
        Sink s = sink;
        if (s != null) {
            s.event(title, text, timestampSeconds, hostname, aggregationKey, priority, sourceType, alertType, tags);
        }
    }

    public static void serviceCheck(String name, int status, long timestampSeconds, String hostname,
                                    String message, String[] tags) {
        Sink s = sink;
        if (s != null) {
            s.serviceCheck(name, status, timestampSeconds, hostname, message, tags);
        }
    }

    /** Exit of a timed method: {@code startNanos} is what the enter advice read from {@link System#nanoTime()}. */
    public static void methodTimed(int methodId, long startNanos, Throwable thrown) {
        long nanos = System.nanoTime() - startNanos;
        Sink s = sink;
        if (s != null) {
            s.methodTimed(methodId, nanos, thrown);
        } else {
            notInstalled();
        }
    }

    public static void methodCounted(int methodId, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            s.methodCounted(methodId, thrown);
        } else {
            notInstalled();
        }
    }

    /**
     * Exit of a timed method that returns a {@code CompletionStage}: timed until the stage completes.
     * {@code returned} is what the method returned (null or not a stage: recorded now).
     */
    public static void methodStage(int methodId, long startNanos, Object returned, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            s.methodStage(methodId, startNanos, returned, thrown);
        } else {
            notInstalled();
        }
    }

    /** Advice's own failure (its {@code suppress} handler). */
    public static void adviceError(Throwable error) {
        Sink s = sink;
        if (s != null) {
            s.adviceError(error);
        }
    }
}
