package io.dsdagent.agent.instrument.http;

import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tag rules and bounds of http.server.requests, without a container. */
class HttpMetricsTest {
    private final Telemetry telemetry = new Telemetry();
    private final Registry registry = new Registry(10_000, 4, Collections.emptyList(), telemetry);
    private final Recorder recorder = new Recorder(registry, telemetry, 4, 4096);

    private String tagsOf(int id) {
        ContextInfo c = registry.get(id);
        return c.name + " " + String.join(",", Arrays.asList(c.tags));
    }

    @Test
    void tagsFollowSpringNames() {
        HttpMetrics m = new HttpMetrics(registry, recorder, telemetry, Registry.HISTOGRAM, 100);
        assertEquals("http.server.requests exception:none,method:GET,outcome:SUCCESS,route:/items/{id},status:200",
                tagsOf(m.resolve(HttpMetrics.methodIndex("GET"), 200, HttpMetrics.routeTag("/items/{id}", 200), "none")));
        assertEquals("http.server.requests exception:none,method:_OTHER,outcome:CLIENT_ERROR,route:NOT_FOUND,status:404",
                tagsOf(m.resolve(HttpMetrics.methodIndex("PROPFIND"), 404, HttpMetrics.routeTag(null, 404), "none")));
        assertEquals("REDIRECTION", HttpMetrics.routeTag(null, 302));
        assertEquals("UNKNOWN", HttpMetrics.routeTag("", 200));
        assertEquals("NOT_FOUND", HttpMetrics.routeTag("/**", 404));
        assertEquals("/**", HttpMetrics.routeTag("/**", 200));
        assertEquals("/items/{id}", HttpMetrics.routeTag("/items/{id}", 404));
        assertEquals(-1, HttpMetrics.methodIndex("get"));
        assertEquals("UNKNOWN", HttpMetrics.OUTCOMES[HttpMetrics.outcomeIndex(999)]);
        assertEquals("INFORMATIONAL", HttpMetrics.OUTCOMES[HttpMetrics.outcomeIndex(101)]);
        assertEquals("SERVER_ERROR", HttpMetrics.OUTCOMES[HttpMetrics.outcomeIndex(503)]);
    }

    @Test
    void exceptionEscapingCountsAs500UnlessCommitted() {
        HttpMetrics m = new HttpMetrics(registry, recorder, telemetry, Registry.HISTOGRAM, 100);
        m.record(1_000_000, "GET", 200, false, "/boom", new IllegalStateException());
        m.record(1_000_000, "GET", 200, true, "/boom", new IllegalStateException());
        assertEquals("http.server.requests exception:IllegalStateException,method:GET,outcome:SERVER_ERROR,route:/boom,status:500",
                tagsOf(0));
        assertEquals("http.server.requests exception:IllegalStateException,method:GET,outcome:SUCCESS,route:/boom,status:200",
                tagsOf(1));
        assertEquals(2, registry.size());
    }

    @Test
    void sameCombinationResolvesToTheSameContext() {
        HttpMetrics m = new HttpMetrics(registry, recorder, telemetry, Registry.HISTOGRAM, 100);
        int a = m.resolve(0, 200, new String("/a"), "none");
        assertEquals(a, m.resolve(0, 200, "/a", "none"));
        assertNotEquals(a, m.resolve(0, 201, "/a", "none"));
        assertTrue(registry.get(a).nanos, "values are sent in milliseconds");
    }

    @Test
    void combinationsBeyondTheCapAreRecordedAsOverflowByOutcome() {
        HttpMetrics m = new HttpMetrics(registry, recorder, telemetry, Registry.HISTOGRAM, 16);
        for (int i = 0; i < 16; i++) {
            m.resolve(0, 200, "/r" + i, "none");
        }
        int o1 = m.resolve(0, 200, "/r16", "none");
        int o2 = m.resolve(2, 201, "/r17", "X");
        int o3 = m.resolve(0, 500, "/r18", "none");
        assertEquals(o1, o2);
        assertEquals("http.server.requests outcome:SUCCESS,route:OVERFLOW", tagsOf(o1));
        assertEquals("http.server.requests outcome:SERVER_ERROR,route:OVERFLOW", tagsOf(o3));
        assertEquals(18, registry.size());
    }

    @Test
    void theTagTableFollowsTheLiveRuleEvictedCombinationsLeaveItAndComeBack() {
        Registry live = new Registry(1000, 10, 1, 4, Collections.emptyList()); // evicted after 1 idle flush
        HttpMetrics m = new HttpMetrics(live, new Recorder(live, telemetry, 4, 4096), telemetry, Registry.HISTOGRAM, 16);
        for (int i = 0; i < 16; i++) {
            m.resolve(0, 200, "/r" + i, "none");
        }
        int full = m.resolve(0, 200, "/late", "none");
        assertEquals("http.server.requests outcome:SUCCESS,route:OVERFLOW", tagsOf(live, full));
        for (int slot = 0; slot < live.size(); slot++) { // a flush in which no context had data
            live.flushed(slot, false);
        }
        live.endFlush();
        assertEquals(17, live.evictions());
        int late = m.resolve(0, 200, "/late", "none");
        assertEquals("http.server.requests exception:none,method:GET,outcome:SUCCESS,route:/late,status:200",
                tagsOf(live, late), "the evicted combinations left the full table");
        int back = m.resolve(0, 200, "/r3", "none");
        assertEquals("http.server.requests exception:none,method:GET,outcome:SUCCESS,route:/r3,status:200",
                tagsOf(live, back), "seen again, registered again");
        assertNotEquals(late, back);
        assertEquals(2, live.live(io.dsdagent.agent.record.Source.HTTP));
    }

    private static String tagsOf(Registry r, int slot) {
        ContextInfo c = r.get(slot);
        return c.name + " " + String.join(",", Arrays.asList(c.tags));
    }
}
