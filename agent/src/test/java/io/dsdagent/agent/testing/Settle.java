package io.dsdagent.agent.testing;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.function.IntSupplier;

import static org.awaitility.Awaitility.await;

/**
 * Waits for a receiver to have read what the kernel already accepted for it: until its count of lines has
 * not changed for a quiet time, 200 ms unless given (at most 5 s, then the caller goes on). A receiver
 * stopped with data still in its socket buffer would lose what the sender was right to count as sent; a
 * Datadog Agent restarting loses it the same way, but that loss is not the agent's to count, so the fault
 * tests stop their receivers gracefully.
 */
public final class Settle {
    private Settle() {
    }

    public static void lines(IntSupplier count) {
        lines(count, Duration.ofMillis(200));
    }

    /** As {@link #lines(IntSupplier)}, for a sender that pauses less than 200 ms (a short flush interval). */
    public static void lines(IntSupplier count, Duration quiet) {
        long quietNanos = quiet.toNanos();
        long[] last = {-1, System.nanoTime()};
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                int n = count.getAsInt();
                long now = System.nanoTime();
                if (n != last[0]) {
                    last[0] = n;
                    last[1] = now;
                    return false;
                }
                return now - last[1] >= quietNanos;
            });
        } catch (ConditionTimeoutException stillReceiving) {
            // the sender never paused for the quiet time: stop anyway
        }
    }
}
