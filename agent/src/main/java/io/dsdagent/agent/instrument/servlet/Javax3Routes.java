package io.dsdagent.agent.instrument.servlet;

import javax.servlet.ServletContext;
import javax.servlet.ServletRegistration;
import javax.servlet.http.HttpServletRequest;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The route of a javax.servlet 3.x request, whose API has no {@code HttpServletMapping}: the servlet path and
 * path info matched against the URL patterns the request's context declares (exact {@code /a/b}, path prefix
 * {@code /a/*}, extension {@code *.do}). Only a declared pattern is ever returned, never the path itself;
 * the default servlet ({@code /}) and anything unmatched give null. Uses only the 3.0 API, and is defined
 * next to it with the hook or listener that calls it ({@code HookTable.HookLoader}).
 */
public final class Javax3Routes {
    /** Recently seen contexts' patterns, weakly held so an undeployed webapp is not kept alive. */
    private static final Patterns[] SLOTS = new Patterns[8];
    private static int next;

    private Javax3Routes() {
    }

    /** The declared pattern {@code r} was mapped by, or null. */
    public static String route(HttpServletRequest r) {
        String servletPath = r.getServletPath();
        ServletContext context = r.getServletContext();
        if (servletPath == null || context == null) {
            return null;
        }
        Patterns p = patterns(context);
        if (r.getPathInfo() == null) {
            if (p.exact.contains(servletPath)) {
                return servletPath;
            }
            int dot = servletPath.lastIndexOf('.');
            if (dot > servletPath.lastIndexOf('/')) {
                int extLength = servletPath.length() - dot;
                for (String e : p.extensions) { // "*.do" matches ".do" at the dot
                    if (e.length() == extLength + 1 && servletPath.regionMatches(dot, e, 1, extLength)) {
                        return e;
                    }
                }
            }
        }
        // a prefix pattern matches its own path ("/a" for "/a/*") as well as everything below it
        for (String pre : p.prefixes) {
            if (pre.length() == servletPath.length() + 2 && pre.startsWith(servletPath)) {
                return pre;
            }
        }
        return null;
    }

    private static Patterns patterns(ServletContext context) {
        Patterns[] slots = SLOTS;
        for (Patterns p : slots) {
            if (p != null && p.context.get() == context) {
                return p;
            }
        }
        Patterns p = new Patterns(context);
        synchronized (SLOTS) {
            slots[next] = p;
            next = (next + 1) % slots.length;
        }
        return p;
    }

    /** One context's declared patterns, read once. */
    static final class Patterns {
        final WeakReference<ServletContext> context;
        final Set<String> exact = new HashSet<String>();
        final String[] prefixes;
        final String[] extensions;

        Patterns(ServletContext context) {
            this.context = new WeakReference<ServletContext>(context);
            List<String> prefixes = new ArrayList<String>();
            List<String> extensions = new ArrayList<String>();
            try {
                for (ServletRegistration reg : context.getServletRegistrations().values()) {
                    Collection<String> mappings = reg.getMappings();
                    for (String m : mappings == null ? new ArrayList<String>() : mappings) {
                        if (m.startsWith("*.")) {
                            extensions.add(m);
                        } else if (m.endsWith("/*")) {
                            prefixes.add(m);
                        } else if (!m.equals("/")) {
                            exact.add(m);
                        }
                    }
                }
            } catch (Throwable t) {
                // a context that will not list its registrations: no routes for it
            }
            this.prefixes = prefixes.toArray(new String[0]);
            this.extensions = extensions.toArray(new String[0]);
        }
    }
}
