package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wait budget's accounting: per flush, the final flush bounded by shutdown, zero never waits. */
class SendWaitTest {
    private final Telemetry telemetry = new Telemetry();

    @Test
    void eachFlushGetsTheWholeBudgetAndTheFinalOneAtMostOneSecond() {
        SendWait w = new SendWait(3000, telemetry);
        assertEquals(3_000_000_000L, w.remainingNanos());
        w.newFlush(true);
        assertEquals(1_000_000_000L, w.remainingNanos(), "the final flush must end inside the 2 s shutdown bound");
        w.newFlush(false);
        assertEquals(3_000_000_000L, w.remainingNanos());
        SendWait small = new SendWait(300, telemetry);
        small.newFlush(true);
        assertEquals(300_000_000L, small.remainingNanos());
    }

    @Test
    void aSpentBudgetStopsWaitingUntilTheNextFlushAndEveryWaitIsCounted() {
        SendWait w = new SendWait(5, telemetry);
        w.begin();
        int pauses = 0;
        while (w.pause()) {
            pauses++;
        }
        assertTrue(pauses >= 1);
        assertEquals(0, w.remainingNanos());
        assertTrue(telemetry.waitedMillis() >= 4, telemetry.waitedMillis() + " ms");
        assertFalse(w.pause());
        w.newFlush(false);
        assertTrue(w.pause());
    }

    @Test
    void aZeroBudgetNeverWaits() {
        SendWait w = SendWait.none(telemetry);
        w.begin();
        assertFalse(w.pause());
        w.newFlush(false);
        assertFalse(w.pause());
        w.newFlush(true);
        assertFalse(w.pause());
        assertEquals(0, telemetry.waitedMillis());
    }
}
