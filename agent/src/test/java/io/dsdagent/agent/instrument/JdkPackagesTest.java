package io.dsdagent.agent.instrument;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer skips JDK and agent classes, except in the JDK packages a module names. */
class JdkPackagesTest {
    @Test
    void onlyTheJdkPackagesAModuleNamesAreLetThrough() {
        WeavingTransformer plain = Instrumenter.transformer(List.of("class:a/B"), new Weaver(List.of()));
        WeavingTransformer httpserver = Instrumenter.transformer(List.of("class:a/B"), new Weaver(List.of()),
                List.of("com/sun/net/httpserver/"));
        for (String jdk : new String[] {"java/lang/String", "jdk/internal/misc/Unsafe", "sun/net/www/URLConnection",
                "com/sun/net/httpserver/Filter$Chain", "io/dsdagent/agent/instrument/Weaver"}) {
            assertTrue(plain.skipped(jdk), jdk);
        }
        assertFalse(httpserver.skipped("com/sun/net/httpserver/Filter$Chain"));
        assertTrue(httpserver.skipped("com/sun/net/httpserverx/Other"));
        assertTrue(httpserver.skipped("sun/net/httpserver/ServerImpl"));
        assertTrue(httpserver.skipped("java/lang/String"));
        assertFalse(plain.skipped("com/acme/Service"));
    }
}
