package io.dsdagent.it.servlet;

import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** Jetty 12 ee10 (jakarta), servlets under /app, Jetty's own 404 outside it: each request counted once in http.server.requests, with the right tags. */
class JettyServletTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestOnceWithItsTags(String jdk) throws Exception {
        ServletScenario.run(jdk, System.getProperty("it.app.classpath"), "io.dsdagent.it.apps.JettyServletApp", ContainerCalls.calls("/app"), 3);
    }
}
