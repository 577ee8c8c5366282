package io.dsdagent.bench.record;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The closing table of {@code ./bench.sh record}: every subject on 1 and 2 threads with its ratio to the
 * clock floor (a bare {@code System.nanoTime()} pair) of the same run, and the servlet path against the
 * method path. Rows that record a value handed in exclude the clock; the {@code @Timed} and servlet
 * rows are measured whole (their two clock reads included), so their ratio is what the woven code
 * costs in units of the clock it cannot avoid.
 */
final class RecordSummary {
    /** Benchmark class simple name to row label, in print order. */
    private static final Map<String, String> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("DsdAgentTimer", "dsd-agent `Timer.record(nanos)` (value passed in)");
        ROWS.put("DogStatsDClientTimer", "java-dogstatsd-client `recordExecutionTime` (value passed in)");
        ROWS.put("MicrometerTimer", "Micrometer StatsD `Timer.record` (value passed in)");
        ROWS.put("TimedMethod", "dsd-agent empty `@Timed` method, whole (2 clock reads)");
        ROWS.put("ServletPath", "dsd-agent servlet request `http.server.requests`, whole (2 clock reads)");
        ROWS.put("NanoTimePair", "floor: `System.nanoTime()` pair");
    }

    private RecordSummary() {
    }

    static void print(Collection<RunResult> results) {
        Map<String, Result<?>> primary = new LinkedHashMap<>();
        Map<String, Result<?>> alloc = new LinkedHashMap<>();
        for (RunResult r : results) {
            String bm = r.getParams().getBenchmark(); // io.dsdagent.bench.record.Class.threadsN
            String key = bm.substring(bm.lastIndexOf('.', bm.lastIndexOf('.') - 1) + 1);
            primary.put(key, r.getPrimaryResult());
            alloc.put(key, r.getSecondaryResults().get("gc.alloc.rate.norm"));
        }
        System.out.println();
        System.out.println("## Recording cost, one JMH run (ns/op ± error; ratio to the floor of the same thread count)");
        System.out.println("| | 1 thread | x floor | 2 threads | x floor | B/op (1 / 2 threads) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, String> row : ROWS.entrySet()) {
            String c = row.getKey();
            if (!primary.containsKey(c + ".threads1") && !primary.containsKey(c + ".threads2")) {
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s / %s |%n", row.getValue(),
                    score(primary.get(c + ".threads1")), ratio(primary, c, "threads1"),
                    score(primary.get(c + ".threads2")), ratio(primary, c, "threads2"),
                    bytes(alloc.get(c + ".threads1")), bytes(alloc.get(c + ".threads2")));
        }
        for (String t : new String[] {"threads1", "threads2"}) {
            Result<?> servlet = primary.get("ServletPath." + t);
            Result<?> timed = primary.get("TimedMethod." + t);
            if (servlet != null && timed != null) {
                System.out.printf(Locale.ROOT, "servlet path vs @Timed method, %s: %.2fx (goal < 2x)%n", t,
                        servlet.getScore() / timed.getScore());
            }
        }
    }

    private static String ratio(Map<String, Result<?>> primary, String c, String t) {
        Result<?> r = primary.get(c + "." + t);
        Result<?> floor = primary.get("NanoTimePair." + t);
        return r == null || floor == null || c.equals("NanoTimePair") ? ""
                : String.format(Locale.ROOT, "%.2f", r.getScore() / floor.getScore());
    }

    private static String score(Result<?> r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%,.1f ± %,.1f", r.getScore(), r.getScoreError());
    }

    private static String bytes(Result<?> r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.2f", r.getScore());
    }
}
