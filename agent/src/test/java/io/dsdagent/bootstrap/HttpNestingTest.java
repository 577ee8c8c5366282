package io.dsdagent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The nesting rules on one thread, entry by entry, as the servlet hooks drive them. */
class HttpNestingTest {
    @Test
    void theOutermostServletOfTheFirstDispatchCountsAndTheContainerAroundItDoesNot() {
        int container = HttpNesting.enter(true, true);
        int filter = HttpNesting.enter(false, true);
        int servlet = HttpNesting.enter(false, true);
        int forward = HttpNesting.enter(false, false);
        assertEquals(HttpNesting.CONTAINER, container);
        assertEquals(HttpNesting.SERVLET, filter);
        assertEquals(HttpNesting.NESTED, servlet);
        assertEquals(HttpNesting.NESTED, forward);
        assertEquals(0, HttpNesting.exit(forward));
        assertEquals(0, HttpNesting.exit(servlet));
        assertEquals(HttpNesting.RECORD, HttpNesting.exit(filter));
        assertEquals(0, HttpNesting.exit(container));
    }

    @Test
    void theContainerCountsARequestNoServletSaw() {
        int container = HttpNesting.enter(true, true);
        assertEquals(HttpNesting.RECORD, HttpNesting.exit(container));
        assertEquals(0, HttpNesting.exit(HttpNesting.UNTRACKED));
    }

    @Test
    void anAsyncRequestIsLeftToItsListenerAndTheNextRequestCountsAgain() {
        int servlet = HttpNesting.enter(false, true);
        assertTrue(HttpNesting.asyncStarting());
        HttpNesting.asyncRegistered();
        assertFalse(HttpNesting.asyncStarting(), "one listener per request");
        assertEquals(0, HttpNesting.exit(servlet));
        assertFalse(HttpNesting.asyncStarting(), "outside the counting entry");
        int next = HttpNesting.enter(false, true);
        assertEquals(HttpNesting.SERVLET, next);
        assertEquals(HttpNesting.RECORD, HttpNesting.exit(next));
    }

    @Test
    void aRequestHandedToAnotherThreadIsNotCountedOnThisOne() {
        int container = HttpNesting.enter(true, true);
        Bridge.httpHandedOff();
        assertEquals(0, HttpNesting.exit(container));
    }
}
