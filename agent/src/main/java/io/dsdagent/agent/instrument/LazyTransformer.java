package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.concurrent.Callable;

/**
 * The transformer installed at {@code premain}: it rejects, from the constant pool alone, every class
 * that names none of the modules' trigger strings, and builds the ByteBuddy transformer only when the
 * first class that does is loaded. An application without annotated methods, API calls or servlets never
 * loads ByteBuddy at all; one with them pays for it when the first such class loads, not in premain.
 */
final class LazyTransformer implements ClassFileTransformer {
    private final byte[][] triggers;
    private final byte[][] prefixes;
    private final Callable<ClassFileTransformer> factory;
    private volatile ClassFileTransformer delegate;
    private volatile boolean failed;

    LazyTransformer(byte[][] triggers, byte[][] prefixes, Callable<ClassFileTransformer> factory) {
        this.triggers = triggers;
        this.prefixes = prefixes;
        this.factory = factory;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            if (classfileBuffer == null || failed || !ClassFileScan.mentionsAny(classfileBuffer, triggers, prefixes)) {
                return null;
            }
            ClassFileTransformer d = delegate();
            return d == null ? null : d.transform(loader, className, classBeingRedefined, protectionDomain,
                    classfileBuffer);
        } catch (Throwable t) {
            // same key as the AgentBuilder's failure listener (dotted name): one line per class, not two
            String name = className == null ? "?" : className.replace('/', '.');
            Log.warnOnce("transform-" + name, "could not instrument " + name + ": " + t + "; left unchanged");
            return null;
        }
    }

    private ClassFileTransformer delegate() {
        ClassFileTransformer d = delegate;
        if (d == null && !failed) {
            synchronized (this) {
                d = delegate;
                if (d == null && !failed) {
                    try {
                        d = factory.call();
                        delegate = d;
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
