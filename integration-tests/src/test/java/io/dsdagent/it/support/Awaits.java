package io.dsdagent.it.support;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/** Awaitility with a failure message that says what was seen instead of only "not fulfilled". */
public final class Awaits {
    private Awaits() {
    }

    /** Waits up to {@code atMost} for {@code condition}; on time-out fails with {@code seen}'s account. */
    public static void until(Duration atMost, Callable<Boolean> condition, Supplier<String> seen) {
        try {
            await().atMost(atMost).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + seen.get(), e);
        }
    }
}
