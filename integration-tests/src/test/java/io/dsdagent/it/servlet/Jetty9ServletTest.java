package io.dsdagent.it.servlet;

import io.dsdagent.it.servlet.ServletScenario.Call;
import io.dsdagent.it.support.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static io.dsdagent.it.servlet.ServletScenario.tags;

/**
 * Embedded Jetty 9.4, javax.servlet 3.1: the API without {@code HttpServletMapping}, so routes come from the
 * servlet path and the context's declared mappings (exact, path prefix, extension); a path outside the context
 * reaches no servlet and is counted at Jetty's {@code Server.handle(HttpChannel)}; each request counted once.
 */
class Jetty9ServletTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void countsEveryRequestOnceWithItsTags(String jdk) throws Exception {
        List<Call> calls = new ArrayList<>(ContainerCalls.calls("/app"));
        calls.add(new Call("GET", "/app/items", 200, tags("GET", 200, "SUCCESS", "/items/*", "none")));
        calls.add(new Call("GET", "/app/shop/7.item", 200, tags("GET", 200, "SUCCESS", "*.item", "none")));
        calls.add(new Call("GET", "/app/hello/more", 404, tags("GET", 404, "CLIENT_ERROR", "NOT_FOUND", "none")));
        ServletScenario.run(jdk, ServletScenario.appClasspath("jetty9"), "io.dsdagent.it.apps.jetty9.Jetty9App", calls, 3);
    }
}
