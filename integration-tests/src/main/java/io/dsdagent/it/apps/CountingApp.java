package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Timer;

/**
 * A short-lived program: counts {@code args[0]} calls (default 1000) and records as many timings, prints
 * a line and exits. With the agent, the flush on exit must deliver exactly that many.
 */
public final class CountingApp {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Counter calls = DsdMetrics.counter("app.calls", "kind:test");
        Timer latency = DsdMetrics.timer("app.latency", "kind:test");
        for (int i = 0; i < n; i++) {
            calls.increment();
            latency.record(1_000_000L + i);
        }
        System.out.println("counted " + n);
    }
}
