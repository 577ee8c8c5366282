package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.record.Registry;
import io.dsdagent.fixture.methods.Micrometered;
import io.dsdagent.fixture.methods.Service;
import io.dsdagent.agent.instrument.ClassInfo;
import io.dsdagent.agent.instrument.MethodInfo;
import io.dsdagent.agent.instrument.Resources;
import io.dsdagent.agent.instrument.Weaver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules on descriptions read from class files (as the agent reads them), switched on and off. */
class MethodRulesTest {
    private static final String[] ANNOTATIONS = new MethodRules(true, true, Map.of(), Registry.TIMER)
            .annotationDescriptors();

    /** The class as the weaver reads it from its class file. */
    private static Map.Entry<ClassInfo, List<MethodInfo>> read(String className) {
        ClassLoader l = MethodRulesTest.class.getClassLoader();
        try {
            return Weaver.read(l, Resources.readAll(l.getResourceAsStream(className.replace('.', '/') + ".class")),
                    ANNOTATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MethodPlan plan(MethodRules rules, Class<?> type, String method) {
        Map.Entry<ClassInfo, List<MethodInfo>> c = read(type.getName());
        List<MethodInfo> named = c.getValue().stream().filter(m -> m.name.equals(method)).toList();
        assertEquals(1, named.size(), method);
        return rules.plan(c.getKey(), named.get(0));
    }

    @Test
    void micrometerSwitchedOffIgnoresItsAnnotationsOnly() {
        MethodRules rules = new MethodRules(true, false, Map.of(), Registry.TIMER);
        assertNull(plan(rules, Micrometered.class, "named"));
        assertEquals("ours.win", plan(rules, Micrometered.class, "both").timerName);
        assertNull(plan(rules, io.dsdagent.fixture.methods.Listed.class, "alpha"));
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
    void classCheckSkipsLibraryTypesAndUnlistedTypesWhenAnnotationsAreOff() {
        MethodRules rules = new MethodRules(true, true, Map.of(), Registry.TIMER);
        assertTrue(rules.examines(read(Service.class.getName()).getKey()));
        assertFalse(rules.examines(read("org.junit.jupiter.api.Test").getKey()));
        MethodRules listedOnly = new MethodRules(false, false,
                Map.of("io.dsdagent.fixture.methods.Listed", java.util.Set.of("alpha")), Registry.TIMER);
        assertTrue(listedOnly.examines(read("io.dsdagent.fixture.methods.Listed").getKey()));
        assertFalse(listedOnly.examines(read(Service.class.getName()).getKey()));
    }
}
