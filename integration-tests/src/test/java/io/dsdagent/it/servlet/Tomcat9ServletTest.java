package io.dsdagent.it.servlet;

import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** Embedded Tomcat 9 (javax) without a default servlet: unmapped paths are answered by the container: each request counted once in http.server.requests, with the right tags. */
class Tomcat9ServletTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestOnceWithItsTags(String jdk) throws Exception {
        ServletScenario.run(jdk, ServletScenario.appClasspath("tomcat9"), "io.dsdagent.it.apps.tomcat9.Tomcat9App", ContainerCalls.calls(""), 3);
    }
}
