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

    public static void methodCounted(int methodId, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.methodCounted(methodId, thrown);
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

    // ---- HTTP server requests (servlet instrumentation) ------------------------------------------

    /** {@link #httpEnter}: the entry was not tracked (its exit must do nothing). */
    public static final int HTTP_UNTRACKED = 0;
    /** {@link #httpEnter}: a nested entry, or one that does not count (forward, include, async/error dispatch). */
    public static final int HTTP_NESTED = 1;
    /** {@link #httpEnter}: the outermost servlet/filter entry of a request: it counts the request. */
    public static final int HTTP_SERVLET = 2;
    /** {@link #httpEnter}: the container's own outermost entry: counts the request if no servlet did. */
    public static final int HTTP_CONTAINER = 3;
    /** {@link #httpExit}: the caller records the request now. */
    public static final int HTTP_RECORD = 1;

    private static final ThreadLocal<HttpState> HTTP = new ThreadLocal<HttpState>();

    private static HttpState httpState() {
        HttpState s = HTTP.get();
        if (s == null) {
            s = new HttpState();
            HTTP.set(s);
        }
        return s;
    }

    /**
     * Enter of an HTTP entry point. {@code container}: the container's own entry (Tomcat's host valve,
     * Jetty's {@code Server.handle}, Undertow's root handler); otherwise a servlet or filter.
     * {@code requestDispatch}: the request is being dispatched for the first time (not a forward,
     * include, async or error dispatch). Returns the code to pass to {@link #httpExit}.
     */
    public static int httpEnter(boolean container, boolean requestDispatch) {
        HttpState s = httpState();
        int d = s.depth;
        if (d == 0) {
            s.start = System.nanoTime();
            s.counted = false;
            s.asyncRegistered = false;
        }
        s.depth = d + 1;
        if (container) {
            return d == 0 && requestDispatch ? HTTP_CONTAINER : HTTP_NESTED;
        }
        if (requestDispatch && !s.counted) {
            s.counted = true;
            s.servletActive = true;
            s.asyncRegistered = false;
            return HTTP_SERVLET;
        }
        return HTTP_NESTED;
    }

    /**
     * Exit of an HTTP entry point, with the code its enter returned. Returns {@link #HTTP_RECORD} when
     * this exit must record the request with {@link #httpRequest} (not when an async listener will).
     */
    public static int httpExit(int code) {
        if (code == HTTP_UNTRACKED) {
            return 0;
        }
        HttpState s = httpState();
        if (s.depth > 0) {
            s.depth--;
        }
        if (code == HTTP_SERVLET) {
            s.servletActive = false;
            return s.asyncRegistered ? 0 : HTTP_RECORD;
        }
        return code == HTTP_CONTAINER && !s.counted ? HTTP_RECORD : 0;
    }

    /**
     * {@code startAsync} returned inside the counting servlet/filter entry of this thread, and no
     * completion listener is attached yet: the caller attaches one, then calls {@link #httpAsyncRegistered}.
     */
    public static boolean httpAsyncStarting() {
        HttpState s = HTTP.get();
        return s != null && s.servletActive && !s.asyncRegistered;
    }

    /** The completion listener is attached: it records the request when the async context completes. */
    public static void httpAsyncRegistered() {
        HttpState s = HTTP.get();
        if (s != null) {
            s.asyncRegistered = true;
        }
    }

    /** The request is handed to another thread that will enter again (Undertow's dispatch): not counted here. */
    public static void httpHandedOff() {
        HttpState s = HTTP.get();
        if (s != null && s.depth > 0) {
            s.counted = true;
        }
    }

    /**
     * Records the request whose outermost entry just exited on this thread. {@code committed}: the
     * response was already committed, so an exception no longer turns it into a 500.
     */
    public static void httpRequest(String method, int status, boolean committed, String route, Throwable thrown) {
        long nanos = System.nanoTime() - httpState().start;
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
     * For a request whose outermost entry just exited in async mode: a new instance of the agent's
     * {@code AsyncListener} implementing {@code listenerType} (javax or jakarta, as the container sees
     * it), started at this request's start, with the route known so far; null if none can be made.
     */
    public static Object httpAsyncListener(Class<?> listenerType, String route) {
        Sink s = sink;
        if (s == null) {
            return null;
        }
        try {
            return s.httpAsyncListener(listenerType, httpState().start, route);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Advice's own failure (its {@code suppress} handler). */
    public static void adviceError(Throwable error) {
        Sink s = sink;
        if (s != null) {
            s.adviceError(error);
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
