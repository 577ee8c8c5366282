package io.dsdagent.it.servlet;

import io.dsdagent.it.servlet.ServletScenario.Call;
import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static io.dsdagent.it.servlet.ServletScenario.tags;

/** A Spring Boot web app: routes are Spring MVC's templates; each request counted once. */
class SpringBootServletTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestOnceWithTheRouteTemplate(String jdk) throws Exception {
        List<Call> calls = List.of(
                new Call("GET", "/hello", 200, tags("GET", 200, "SUCCESS", "/hello", "none")),
                new Call("POST", "/hello", 200, tags("POST", 200, "SUCCESS", "/hello", "none")),
                new Call("GET", "/items/7", 200, tags("GET", 200, "SUCCESS", "/items/{id}", "none")),
                new Call("GET", "/items/8", 200, tags("GET", 200, "SUCCESS", "/items/{id}", "none")),
                new Call("GET", "/redirect", 302, tags("GET", 302, "REDIRECTION", "/redirect", "none")),
                new Call("GET", "/boom", 500, tags("GET", 500, "SERVER_ERROR", "/boom", "IllegalStateException")),
                new Call("GET", "/async", 200, tags("GET", 200, "SUCCESS", "/async", "none")),
                new Call("GET", "/nothing", 404, tags("GET", 404, "CLIENT_ERROR", "NOT_FOUND", "none")));
        ServletScenario.run(jdk, ServletScenario.appClasspath("springboot"),
                "io.dsdagent.it.apps.springboot.SpringBootApp", calls, 3);
    }
}
