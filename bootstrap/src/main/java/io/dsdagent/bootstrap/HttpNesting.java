package io.dsdagent.bootstrap;

/**
 * Which entry of an HTTP server request counts it, once. A request passes several instrumented entries
 * on one thread: the container's own (Tomcat's host valve, Jetty's {@code Server.handle}, Undertow's
 * root handler), then filters and servlets, then forwards and includes. The outermost servlet/filter
 * entry of the request's first dispatch counts it; the container's entry counts it only if no servlet
 * did (an unmapped 404 answered by the container itself); an async request is left to the completion
 * listener its start-async hook attaches.
 *
 * <p>What must hold: one {@link HttpState} per thread, reused for every request, so the synchronous
 * path allocates nothing after the thread's first request; only its own thread reads or writes it; every
 * {@link #enter} is paired with one {@link #exit} given the code the enter returned. Lives in the bridge
 * package because the hooks call it from the container's loader.
 */
public final class HttpNesting {
    /** {@link #enter}: the entry was not tracked (its exit must do nothing). */
    public static final int UNTRACKED = 0;
    /** {@link #enter}: a nested entry, or one that does not count (forward, include, async/error dispatch). */
    public static final int NESTED = 1;
    /** {@link #enter}: the outermost servlet/filter entry of a request: it counts the request. */
    public static final int SERVLET = 2;
    /** {@link #enter}: the container's own outermost entry: counts the request if no servlet did. */
    public static final int CONTAINER = 3;
    /** {@link #exit}: the caller records the request now ({@link Bridge#httpRequest}). */
    public static final int RECORD = 1;

    private static final ThreadLocal<HttpState> STATE = new ThreadLocal<HttpState>();

    private HttpNesting() {
    }

    private static HttpState state() {
        HttpState s = STATE.get();
        if (s == null) {
            s = new HttpState();
            STATE.set(s);
        }
        return s;
    }

    /**
     * Enter of an HTTP entry point. {@code container}: the container's own entry; otherwise a servlet or
     * filter. {@code requestDispatch}: the request is being dispatched for the first time (not a forward,
     * include, async or error dispatch). Returns the code to pass to {@link #exit}.
     */
    public static int enter(boolean container, boolean requestDispatch) {
        HttpState s = state();
        int d = s.depth;
        if (d == 0) {
            s.start = System.nanoTime();
            s.counted = false;
            s.asyncRegistered = false;
        }
        s.depth = d + 1;
        if (container) {
            return d == 0 && requestDispatch ? CONTAINER : NESTED;
        }
        if (requestDispatch && !s.counted) {
            s.counted = true;
            s.servletActive = true;
            s.asyncRegistered = false;
            return SERVLET;
        }
        return NESTED;
    }

    /**
     * Exit of an HTTP entry point, with the code its enter returned. Returns {@link #RECORD} when this
     * exit must record the request (not when an async listener will).
     */
    public static int exit(int code) {
        if (code == UNTRACKED) {
            return 0;
        }
        HttpState s = state();
        if (s.depth > 0) {
            s.depth--;
        }
        if (code == SERVLET) {
            s.servletActive = false;
            return s.asyncRegistered ? 0 : RECORD;
        }
        return code == CONTAINER && !s.counted ? RECORD : 0;
    }

    /**
     * {@code startAsync} returned inside the counting servlet/filter entry of this thread, and no
     * completion listener is attached yet: the caller attaches one, then calls {@link #asyncRegistered}.
     */
    public static boolean asyncStarting() {
        HttpState s = STATE.get();
        return s != null && s.servletActive && !s.asyncRegistered;
    }

    /** The completion listener is attached: it records the request when the async context completes. */
    public static void asyncRegistered() {
        HttpState s = STATE.get();
        if (s != null) {
            s.asyncRegistered = true;
        }
    }

    /**
     * {@link System#nanoTime()} at the outermost entry of this thread's current request: where
     * {@link Bridge#httpRequest} and the completion listener a start-async hook creates start timing.
     */
    public static long start() {
        return state().start;
    }

    /** The request is handed to another thread that will enter again (Undertow's dispatch): not counted here. */
    static void handedOff() {
        HttpState s = STATE.get();
        if (s != null && s.depth > 0) {
            s.counted = true;
        }
    }
}
