package io.dsdagent.agent.listen;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code listen --summary}'s table from payloads fed with a given clock: counts and percentiles weighted as the
 * Datadog Agent weighs sample rates, rows sorted, every line within the width, drawn once per interval.
 */
class SummaryTest {
    private static final long S = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true);

    private String output() {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private Summary summary(int width, boolean inPlace) {
        return new Summary(10_000, width, inPlace, out, 0);
    }

    @Test
    void eachContextIsOneSortedRowWeightedByItsSampleRate() {
        Summary s = summary(120, false);
        s.payload("web.latency:1:2:3|h|@0.5|#route:/b,env:prod\n"    // 3 values weighing 2 each
                + "app.calls:2|c|@0.25|#kind:x\napp.calls:1|c|#kind:x\n" // 2/0.25 + 1
                + "web.latency:10|h|#env:prod,route:/a\n"
                + "queue.depth:7|g\nqueue.depth:5|g\n"
                + "users:alice|s\nusers:bob|s\nusers:alice|s\n"
                + "job.time:100:200|ms|@0.3\n"                            // int64(1/0.3) = 3 per value
                + "_sc|db.up|2|#env:prod\n"
                + "_e{5,4}:title|text|#a:b\n");
        s.idle(9 * S);
        assertEquals("", output(), "nothing drawn before the interval is over");
        s.idle(10 * S);
        assertEquals(String.join("\n",
                "dsd-agent listen: 8 contexts, 12 messages in 10.0 s",
                "TYPE           METRIC       TAGS               COUNT  RATE/S      LAST  P50  P95  P99  MAX",
                "count          app.calls    kind:x                 9     0.9",
                "service_check  db.up        env:prod               1     0.1  CRITICAL",
                "timer          job.time                            6     0.6            100  200  200  200",
                "gauge          queue.depth                         2     0.2         5",
                "event          title                               1     0.1",
                "set            users                               2     0.2",
                "histogram      web.latency  env:prod,route:/a      1     0.1             10   10   10   10",
                "histogram      web.latency  env:prod,route:/b      6     0.6              2    3    3    3",
                "", ""), output());
    }

    /**
     * The Datadog Agent's ranks over weighted values: with 100 values of weight 1, p50 is the 50th (rank (100-1)/2,
     * zero-based), p95 the 95th ((95*100-1)/100 = 94), p99 the 99th; a distribution value at rate 2 weighs 1 (rates
     * outside (0, 1] are 1), a histogram value at rate 2 weighs int64(0.5) = 0.
     */
    @Test
    void percentilesUseTheAgentsRanks() {
        Summary s = summary(120, false);
        StringBuilder p = new StringBuilder("x");
        for (int i = 100; i >= 1; i--) {
            p.append(':').append(i);
        }
        s.payload(p + "|d\ny:5|d|@2\nz:5|h|@2\n");
        s.end(2 * S);
        String[] lines = output().split("\n");
        assertEquals("distribution  x               100      50         50   95   99  100", lines[2]);
        assertEquals("distribution  y                 1     0.5          5    5    5    5", lines[3]);
        assertEquals("histogram     z                 0       0", lines[4]);
    }

    @Test
    void everyLineFitsTheWidthAndLongTagsGiveWayFirst() {
        Summary s = summary(100, false);
        s.payload("a.rather.long.metric.name.that.goes.on:12.5:7|ms|#service:checkout,env:production,version:1.2.3\n");
        s.end(S);
        String[] lines = output().split("\n");
        for (String l : lines) {
            assertTrue(l.length() <= 100, l.length() + ": " + l);
        }
        assertTrue(lines[2].startsWith("timer  a.rather.long.metric.name.that.goes.on  produc...  "), lines[2]); // values only, cut
        assertTrue(lines[2].replaceAll(" +", " ").endsWith(" 2 2 7 12.5 12.5 12.5"), lines[2]);
        Summary narrow = new Summary(10_000, 40, false, out, 0);
        bytes.reset();
        narrow.payload("a.rather.long.metric.name.that.goes.on:12.5:7|ms|#service:checkout\n");
        narrow.end(S);
        for (String l : output().split("\n")) {
            assertTrue(l.length() <= 40, l.length() + ": " + l);
        }
    }

    @Test
    void tagsEveryRowCarriesAreSaidOnceInTheTitle() {
        Summary s = summary(120, false);
        s.payload("a:1|c|#env:prod,service:web,status:200\nb:2|g|#service:web,env:prod\nc:3|h|#env:prod,service:web\n");
        s.end(S);
        assertEquals(String.join("\n",
                "dsd-agent listen: 3 contexts, 3 messages in 1.0 s; on every row: env:prod,service:web",
                "TYPE       METRIC  TAGS        COUNT  RATE/S  LAST  P50  P95  P99  MAX",
                "count      a       status:200      1       1",
                "gauge      b                       1       1     2",
                "histogram  c                       1       1          3    3    3    3",
                "", ""), output());
    }

    @Test
    void onAnEightyColumnTerminalMetricNamesStayReadableAndWholeColumnsGiveWay() {
        Summary s = summary(80, false);
        s.payload("_e{6,4}:deploy|text\n"
                + "http.server.requests:3.5:4.5|h|#env:local,service:demo,method:GET,route:/orders/{id}\n"
                + "jvm.buffer_pool.direct.capacity:58208|g|#env:local,service:demo\n");
        s.end(S);
        String[] lines = output().split("\n");
        assertEquals("dsd-agent listen: 3 contexts, 3 messages in 1.0 s; on every tagged row: env:loca", lines[0],
                "constant tags of the tagged rows said once, though the event has none (the line cut at 80)");
        for (int i = 0; i < lines.length; i++) {
            assertTrue(lines[i].length() <= 80, lines[i].length() + ": " + lines[i]);
        }
        assertTrue(lines[1].startsWith("TYPE       METRIC                    ") && !lines[1].contains("P50")
                && !lines[1].contains("P95") && lines[1].contains("TAGS") && lines[1].endsWith("P99  MAX"), lines[1]);
        assertTrue(lines[3].startsWith("histogram  http.server.requests      "), "names up to 24 characters whole: "
                + lines[3]);
        assertTrue(lines[4].startsWith("gauge      jvm.buffer_pool.direc...  "), "longer ones cut at 24: " + lines[4]);
    }

    @Test
    void onATerminalEachTableReplacesTheLastInPlace() {
        Summary s = summary(120, true);
        s.payload("a:1|c\n");
        s.idle(10 * S);
        s.payload("a:1|c\n");
        s.idle(20 * S);
        String o = output();
        assertTrue(o.startsWith(Summary.CLEAR + "dsd-agent listen: 1 contexts, 1 messages in 10.0 s\n"), o);
        assertEquals(2, o.split(java.util.regex.Pattern.quote(Summary.CLEAR), -1).length - 1);
    }

    @Test
    void malformedMessagesAreCountedNotShown() {
        Summary s = summary(120, false);
        s.payload("ok:1|c\nnot a metric\nx:abc|c\nbad:1|q\n");
        s.end(S);
        assertTrue(output().startsWith("dsd-agent listen: 1 contexts, 4 messages in 1.0 s, 3 malformed\n"), output());
    }

    @Test
    void anEmptyIntervalDrawsAnEmptyTableAndTheEndNoSecondOne() {
        Summary s = summary(120, false);
        s.idle(10 * S);
        s.end(11 * S);
        assertEquals("dsd-agent listen: 0 contexts, 0 messages in 10.0 s\n"
                + "TYPE  METRIC  TAGS  COUNT  RATE/S  LAST  P50  P95  P99  MAX\n\n", output());
    }

    @Test
    void columnsComeFromTheEnvironmentElse120() {
        assertEquals(80, Summary.width("80"));
        assertEquals(120, Summary.width(null));
        assertEquals(120, Summary.width("wide"));
        assertEquals(120, Summary.width("5"));
    }

    @Test
    void numbersAreShortAndExact() {
        assertEquals("3", SummaryTable.number(3.0));
        assertEquals("1.5", SummaryTable.number(1.5));
        assertEquals("0.25", SummaryTable.number(0.25));
        assertEquals("1234.57", SummaryTable.number(1234.5678));
        assertEquals("4.00e-04", SummaryTable.number(0.0004));
        assertEquals("", SummaryTable.number(Double.NaN));
    }
}
