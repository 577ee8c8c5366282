package io.dsdagent.agent.instrument;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExceptionTagTest {
    static final class Nested extends RuntimeException {
    }

    @Test
    void namedClassesAreTaggedByTheirSimpleName() {
        class Local extends RuntimeException {
        }
        assertEquals("IllegalStateException", ExceptionTag.of(IllegalStateException.class));
        assertEquals("Nested", ExceptionTag.of(Nested.class));
        assertEquals("Local", ExceptionTag.of(Local.class));
    }

    @Test
    void anAnonymousClassIsTaggedByItsFullBinaryName() {
        RuntimeException anonymous = new RuntimeException() {
        };
        assertEquals("io.dsdagent.agent.instrument.ExceptionTagTest$1", ExceptionTag.of(anonymous.getClass()));
    }
}
