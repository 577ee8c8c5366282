package io.dsdagent.agent.instrument;

/**
 * The one rule for the {@code exception} tag of every instrumentation (timed methods,
 * {@code http.server.requests}): the simple class name, as Micrometer and Spring tag it; for a class
 * without one (anonymous), the full binary name, as Spring's web tags fall back to, so the tag still
 * says where the exception comes from. Exception types are bounded per method and per route
 * elsewhere; this only names them.
 */
public final class ExceptionTag {
    private ExceptionTag() {
    }

    /** The tag value for exceptions of class {@code type}. */
    public static String of(Class<?> type) {
        String s;
        try {
            s = type.getSimpleName();
        } catch (InternalError e) { // JDK 8: "Malformed class name" for some Scala nested classes (Scala SI-2034)
            s = "";
        }
        return s.isEmpty() ? type.getName() : s;
    }
}
