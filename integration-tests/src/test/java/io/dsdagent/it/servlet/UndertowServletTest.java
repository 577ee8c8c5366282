package io.dsdagent.it.servlet;

import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** Undertow (jakarta), servlets under /app, Undertow's own 404 outside it: each request counted once in http.server.requests, with the right tags. */
class UndertowServletTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestOnceWithItsTags(String jdk) throws Exception {
        ServletScenario.run(jdk, ServletScenario.appClasspath("undertow"), "io.dsdagent.it.apps.undertow.UndertowApp", ContainerCalls.calls("/app"), 3);
    }
}
