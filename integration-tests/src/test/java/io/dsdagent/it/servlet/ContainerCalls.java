package io.dsdagent.it.servlet;

import io.dsdagent.it.servlet.ServletScenario.Call;

import java.util.ArrayList;
import java.util.List;

import static io.dsdagent.it.servlet.ServletScenario.tags;

/** The request mix every plain-servlet app serves, under a context path. */
final class ContainerCalls {
    private ContainerCalls() {
    }

    /**
     * {@code ctx}: the servlet context path ("" or "/app"); with a context path, a request outside it is
     * answered by the container alone and must be counted too.
     */
    static List<Call> calls(String ctx) {
        List<Call> c = new ArrayList<>();
        c.add(new Call("GET", ctx + "/hello", 200, tags("GET", 200, "SUCCESS", "/hello", "none")));
        c.add(new Call("POST", ctx + "/hello", 200, tags("POST", 200, "SUCCESS", "/hello", "none")));
        c.add(new Call("PROPFIND", ctx + "/hello", 501, tags("_OTHER", 501, "SERVER_ERROR", "/hello", "none")));
        c.add(new Call("GET", ctx + "/items/7", 200, tags("GET", 200, "SUCCESS", "/items/*", "none")));
        c.add(new Call("GET", ctx + "/items/8", 200, tags("GET", 200, "SUCCESS", "/items/*", "none")));
        c.add(new Call("GET", ctx + "/redirect", 302, tags("GET", 302, "REDIRECTION", "/redirect", "none")));
        c.add(new Call("GET", ctx + "/boom", 500, tags("GET", 500, "SERVER_ERROR", "/boom", "IllegalStateException")));
        c.add(new Call("GET", ctx + "/async", 200, tags("GET", 200, "SUCCESS", "/async", "none")));
        c.add(new Call("GET", ctx + "/nothing", 404, tags("GET", 404, "CLIENT_ERROR", "NOT_FOUND", "none")));
        if (!ctx.isEmpty()) {
            c.add(new Call("GET", "/nothing", 404, tags("GET", 404, "CLIENT_ERROR", "NOT_FOUND", "none")));
        }
        return c;
    }
}
