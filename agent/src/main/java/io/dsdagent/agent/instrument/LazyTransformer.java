package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.Callable;

/**
 * The transformer installed at {@code premain}: it rejects, from the class name or the constant pool
 * alone, every class that matches none of the modules' triggers, so only candidates ever reach ByteBuddy.
 * ByteBuddy's transformer is built on a background thread started right after premain
 * ({@link #prepareInBackground}); a candidate class that loads before it is ready waits for it, and an
 * application without annotated methods, API calls or servlets never waits at all.
 */
final class LazyTransformer implements ClassFileTransformer {
    private final byte[][] triggers;
    private final byte[][] prefixes;
    private final java.util.Set<String> classNames;
    private final Callable<ClassFileTransformer> factory;
    private volatile ClassFileTransformer delegate;
    private volatile boolean failed;

    LazyTransformer(java.util.Set<String> classNames, byte[][] triggers, byte[][] prefixes,
                    Callable<ClassFileTransformer> factory) {
        this.classNames = classNames;
        this.triggers = triggers;
        this.prefixes = prefixes;
        this.factory = factory;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            if (classfileBuffer == null || failed || !(className != null && classNames.contains(className)
                    || ClassFileScan.mentionsAny(classfileBuffer, triggers, prefixes))) {
                return null;
            }
            ClassFileTransformer d = delegate(className);
            if (d == null) {
                return null;
            }
            long t0 = Log.debugEnabled() ? System.nanoTime() : 0;
            byte[] out = d.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
            if (t0 != 0) {
                Log.debug("examined " + className + " in " + (System.nanoTime() - t0) / 1000 + " us"
                        + (out == null ? "" : " (transformed)"));
            }
            return out;
        } catch (Throwable t) {
            // same key as the AgentBuilder's failure listener (dotted name): one line per class, not two
            String name = className == null ? "?" : className.replace('/', '.');
            Log.warnOnce("transform-" + name, "could not instrument " + name + ": " + t + "; left unchanged");
            return null;
        }
    }

    /**
     * Builds ByteBuddy's transformer on a background daemon thread started after premain, in parallel
     * with the application's own start-up; a candidate class that loads before it is ready waits for it.
     */
    void prepareInBackground() {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                delegate("(background)");
            }
        }, "dsd-agent-instrumentation");
        t.setDaemon(true);
        t.start();
    }

    private ClassFileTransformer delegate(String firstCandidate) {
        ClassFileTransformer d = delegate;
        if (d == null && !failed) {
            synchronized (this) {
                d = delegate;
                if (d == null && !failed) {
                    try {
                        if (Log.debugEnabled()) {
                            Log.debug("building the instrumentation for " + firstCandidate);
                        }
                        long t0 = System.nanoTime();
                        d = factory.call();
                        delegate = d;
                        if (Log.debugEnabled()) {
                            Log.debug("instrumentation built in " + (System.nanoTime() - t0) / 1000000 + " ms");
                        }
                    } catch (Throwable t) {
                        failed = true;
                        Log.error("instrumentation disabled: " + t + " (the API, counts and samplers still work)");
                    }
                }
            }
        }
        return d;
    }
}
