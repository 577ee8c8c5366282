package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.record.Registry;
import io.dsdagent.fixture.methods.Micrometered;
import io.dsdagent.fixture.methods.Service;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules on descriptions read from class files (as the agent reads them), switched on and off. */
class MethodRulesTest {
    private static final TypePool POOL = TypePool.Default.ofSystemLoader();

    private static MethodPlan plan(MethodRules rules, Class<?> type, String method) {
        TypeDescription t = POOL.describe(type.getName()).resolve();
        MethodDescription m = t.getDeclaredMethods().filter(net.bytebuddy.matcher.ElementMatchers.named(method))
                .getOnly();
        return rules.plan(t, m);
    }

    @Test
    void micrometerSwitchedOffIgnoresItsAnnotationsOnly() {
        MethodRules rules = new MethodRules(true, false, Map.of(), Registry.TIMER);
        assertNull(plan(rules, Micrometered.class, "named"));
        assertEquals("ours.win", plan(rules, Micrometered.class, "both").timerName);
        assertFalse(rules.types().matches(POOL.describe("io.dsdagent.fixture.methods.Listed").resolve()));
    }

    @Test
    void ownAnnotationsSwitchedOffLeaveMicrometerAndListedMethods() {
        MethodRules rules = new MethodRules(false, true, Map.of(), Registry.TIMER);
        assertNull(plan(rules, Service.class, "plain"));
        assertEquals("mm.loser", plan(rules, Micrometered.class, "both").timerName);
        assertFalse(new MethodRules(false, false, Map.of(), Registry.TIMER).active());
    }

    @Test
    void defaultTimerTypeAppliesWhereTheAnnotationSetsNone() {
        int h = Registry.HISTOGRAM | Registry.NANOS;
        MethodRules rules = new MethodRules(true, true, Map.of(), h);
        assertEquals(h, plan(rules, Service.class, "plain").timerType);
        assertEquals(Registry.DISTRIBUTION | Registry.NANOS, plan(rules, Service.class, "distribution").timerType);
        assertEquals(h, plan(rules, Micrometered.class, "unnamed").timerType);
    }

    @Test
    void planReadsValuesFromTheClassFile() {
        MethodRules rules = new MethodRules(true, true, Map.of(), Registry.TIMER);
        MethodPlan p = plan(rules, Service.class, "custom");
        assertEquals("svc.custom", p.timerName);
        assertArrayEquals(new String[] {"class:" + Service.class.getName(), "method:custom", "team:core", "tier:1"},
                p.timerTags);
        assertEquals(Registry.HISTOGRAM | Registry.NANOS, p.timerType);
        assertNull(p.counterName);
        assertFalse(p.async);
        assertTrue(plan(rules, Service.class, "future").async);
        assertTrue(plan(rules, Service.class, "stage").async);
        MethodPlan mm = plan(rules, Micrometered.class, "named");
        assertArrayEquals(new String[] {"class:" + Micrometered.class.getName(), "method:named", "region:eu"},
                mm.timerTags, "key/value pairs; an odd last key is dropped");
        assertNotNull(plan(rules, Service.class, "lambdaFactory"));
    }

    @Test
    void typeMatcherSkipsUnannotatedAndLibraryTypes() {
        MethodRules rules = new MethodRules(true, true, Map.of(), Registry.TIMER);
        assertTrue(rules.types().matches(POOL.describe(Service.class.getName()).resolve()));
        assertFalse(rules.types().matches(POOL.describe("io.dsdagent.fixture.methods.Listed").resolve()));
        assertFalse(rules.types().matches(POOL.describe("org.junit.jupiter.api.Test").resolve()));
    }
}
