package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;

import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * Late attach: retransforms the loaded classes that need weaving in batches, one
 * {@code retransformClasses(Class...)} call per batch. Each call stops the application at a safepoint
 * once, so a batch costs one pause where one class per call cost one pause per class.
 *
 * <p>The JVM retransforms a batch all or nothing: one class that fails (a class-format or verify error,
 * an unmodifiable class) leaves the whole batch unchanged. So a failed batch is retried one class at a
 * time, and only the classes that fail on their own are left unwoven, each named once on stderr.
 */
public final class Retransformer {
    /** Classes per call: few pauses, while one failed batch costs at most this many single retries. */
    public static final int BATCH = 100;

    private Retransformer() {
    }

    /** Retransforms {@code classes}; returns how many could not be retransformed (each named once). */
    public static int inBatches(Instrumentation inst, List<Class<?>> classes, int batchSize) {
        int failed = 0;
        for (int from = 0; from < classes.size(); from += batchSize) {
            Class<?>[] batch = classes.subList(from, Math.min(classes.size(), from + batchSize)).toArray(new Class<?>[0]);
            try {
                inst.retransformClasses(batch);
            } catch (Throwable batchFailure) {
                failed += oneByOne(inst, batch);
            }
        }
        return failed;
    }

    private static int oneByOne(Instrumentation inst, Class<?>[] batch) {
        int failed = 0;
        for (Class<?> c : batch) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable e) {
                failed++;
                Log.warnOnce("retransform-" + c.getName(), "could not instrument the loaded class " + c.getName()
                        + ": " + e + "; left unchanged");
            }
        }
        return failed;
    }
}
