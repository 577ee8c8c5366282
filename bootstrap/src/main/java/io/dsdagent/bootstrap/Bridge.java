package io.dsdagent.bootstrap;

/**
 * The static entry points that advice inlined into application classes calls. It stays one class over
 * 300 lines on purpose: it is the one class woven code links against in the boot loader, every entry a
 * guarded one-liner; splitting it would add boot-loader classes and a call indirection on the hot path,
 * and the entries cannot move or be renamed (woven code and older API jars call them by name).
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

    /**
     * Called once by the agent's starter. This class is public in the boot loader, so any code can call
     * this too: only the first non-null sink counts, and every later call is ignored, so no application
     * can take the agent's sink over or switch it off. Returns whether {@code s} was installed.
     */
    public static synchronized boolean install(Sink s) {
        if (sink != null || s == null) {
            return false;
        }
        sink = s;
        return true;
    }

    /** Calls made before the sink was installed; reported as telemetry. */
    public static long droppedBeforeInstall() {
        return droppedBeforeInstall;
    }

    /** A sink call threw: counted as an advice error, never rethrown into the application. */
    private static void failed(Sink s, Throwable t) {
        try {
            s.adviceError(t);
        } catch (Throwable ignored) {
            // nothing more to do
        }
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

    public static int resolve(int type, String name, String[] tags) {
        Sink s = sink;
        if (s == null) {
            return -1; // a handle made before the agent started registers on its first use
        }
        try {
            return s.resolve(type, name, tags);
        } catch (Throwable t) {
            return -1;
        }
    }

    public static int tryCount(int id, long delta) {
        Sink s = sink;
        if (s == null) {
            notInstalled();
            return Sink.TAKEN;
        }
        try {
            return s.tryCount(id, delta);
        } catch (Throwable t) {
            failed(s, t);
            return Sink.TAKEN;
        }
    }

    public static int tryGauge(int id, double value) {
        Sink s = sink;
        if (s == null) {
            notInstalled();
            return Sink.TAKEN;
        }
        try {
            return s.tryGauge(id, value);
        } catch (Throwable t) {
            failed(s, t);
            return Sink.TAKEN;
        }
    }

    public static int tryRecordNanos(int id, long nanos) {
        Sink s = sink;
        if (s == null) {
            notInstalled();
            return Sink.TAKEN;
        }
        try {
            return s.tryRecordNanos(id, nanos);
        } catch (Throwable t) {
            failed(s, t);
            return Sink.TAKEN;
        }
    }

    public static int tryRecord(int id, double value) {
        Sink s = sink;
        if (s == null) {
            notInstalled();
            return Sink.TAKEN;
        }
        try {
            return s.tryRecord(id, value);
        } catch (Throwable t) {
            failed(s, t);
            return Sink.TAKEN;
        }
    }

    public static int trySetAdd(int id, String member) {
        Sink s = sink;
        if (s == null) {
            notInstalled();
            return Sink.TAKEN;
        }
        try {
            return s.trySetAdd(id, member);
        } catch (Throwable t) {
            failed(s, t);
            return Sink.TAKEN;
        }
    }

    public static void count(int id, long delta) {
        Sink s = sink;
        if (s != null) {
            try {
                s.count(id, delta);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    public static void gauge(int id, double value) {
        Sink s = sink;
        if (s != null) {
            try {
                s.gauge(id, value);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    public static void recordNanos(int id, long nanos) {
        Sink s = sink;
        if (s != null) {
            try {
                s.recordNanos(id, nanos);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    public static void record(int id, double value) {
        Sink s = sink;
        if (s != null) {
            try {
                s.record(id, value);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    public static void setAdd(int id, String member) {
        Sink s = sink;
        if (s != null) {
            try {
                s.setAdd(id, member);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    public static void event(String title, String text, long timestampSeconds, String hostname,
                             String aggregationKey, String priority, String sourceType, String alertType,
                             String[] tags) {
        Sink s = sink;
        if (s != null) {
            try {
                s.event(title, text, timestampSeconds, hostname, aggregationKey, priority, sourceType, alertType, tags);
            } catch (Throwable t) {
                failed(s, t);
            }
        }
    }

    public static void serviceCheck(String name, int status, long timestampSeconds, String hostname,
                                    String message, String[] tags) {
        Sink s = sink;
        if (s != null) {
            try {
                s.serviceCheck(name, status, timestampSeconds, hostname, message, tags);
            } catch (Throwable t) {
                failed(s, t);
            }
        }
    }

    /** Exit of a timed method: {@code startNanos} is what the enter advice read from {@link System#nanoTime()}. */
    public static void methodTimed(int methodId, long startNanos, Throwable thrown) {
        long nanos = System.nanoTime() - startNanos;
        Sink s = sink;
        if (s != null) {
            try {
                s.methodTimed(methodId, nanos, thrown);
            } catch (Throwable t) {
                failed(s, t);
            }
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
            try {
                s.methodStage(methodId, startNanos, returned, thrown);
            } catch (Throwable t) {
                failed(s, t);
            }
        } else {
            notInstalled();
        }
    }

    // ---- HTTP server requests (which entry counts a request: HttpNesting) -------------------------

    /**
     * Entry of {@code HttpServerExchange.dispatch} (woven to call this by name): the request is handed to
     * another thread that will enter again (Undertow), so it is not counted on this one.
     */
    public static void httpHandedOff() {
        HttpNesting.handedOff();
    }

    /**
     * Records the request whose outermost entry just exited on this thread. {@code committed}: the
     * response was already committed, so an exception no longer turns it into a 500.
     */
    public static void httpRequest(String method, int status, boolean committed, String route, Throwable thrown) {
        long nanos = System.nanoTime() - HttpNesting.start();
        Sink s = sink;
        if (s != null) {
            s.httpRequest(nanos, method, status, committed, route, thrown);
        } else {
            notInstalled();
        }
    }

    /** Records an asynchronous request when its async context completes; {@code startNanos} as given to the listener. */
    public static void httpRequestAsync(long startNanos, String method, int status, boolean committed, String route,
                                        Throwable thrown) {
        long nanos = System.nanoTime() - startNanos;
        Sink s = sink;
        if (s != null) {
            s.httpRequest(nanos, method, status, committed, route, thrown);
        } else {
            notInstalled();
        }
    }

    /**
     * A container hook or async listener (agent code running in the container's loader) caught its own
     * failure: counted in {@code dsd_agent.advice.errors}, named once on stderr, never rethrown. Woven
     * code never calls this: its inserted calls go to bridge methods that swallow their own failures.
     */
    public static void adviceError(Throwable error) {
        Sink s = sink;
        if (s != null) {
            failed(s, error);
        }
    }

    // ---- container hooks (code compiled against a container's API, run in that container's loader) ----

    /**
     * Enter of a woven method whose work needs the container's API (servlet, Jetty, Undertow): the
     * agent runs hook {@code hook} (resolved at weave time for the instrumented class's loader) with up
     * to two of the method's arguments. Returns the code to pass to {@link #hookExit}; 0 on any failure.
     */
    public static int hookEnter(int hook, Object a, Object b) {
        Sink s = sink;
        if (s == null) {
            return 0;
        }
        try {
            return s.hookEnter(hook, a, b);
        } catch (Throwable t) {
            failed(s, t);
            return 0;
        }
    }

    /** Exit of a woven method (returned {@code returned}, or threw {@code thrown}); {@code code} from {@link #hookEnter}. */
    public static void hookExit(int hook, int code, Object a, Object b, Object returned, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.hookExit(hook, code, a, b, returned, thrown);
            } catch (Throwable t) {
                failed(s, t);
            }
        }
    }
}
