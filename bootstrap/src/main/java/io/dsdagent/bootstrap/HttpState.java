package io.dsdagent.bootstrap;

/**
 * Per-thread state of {@link HttpNesting}: how deep the current
 * thread is inside instrumented entries, when the outermost one started, and whether an entry already
 * took charge of counting the request. One instance per thread, reused for every request it serves,
 * so the synchronous path allocates nothing. Only its own thread touches it.
 */
final class HttpState {
    /** Instrumented entries (container, servlet, filter) the thread is inside. */
    int depth;
    /** {@link System#nanoTime()} at the outermost entry. */
    long start;
    /**
     * A servlet/filter entry counts this request (or it was handed to another thread, Undertow's
     * dispatch): the container entry around it must not count it again.
     */
    boolean counted;
    /** The counting servlet/filter entry is running on this thread (startAsync may attach the listener). */
    boolean servletActive;
    /** startAsync attached the completion listener: the counting entry's exit leaves the request to it. */
    boolean asyncRegistered;

    HttpState() {
    }
}
