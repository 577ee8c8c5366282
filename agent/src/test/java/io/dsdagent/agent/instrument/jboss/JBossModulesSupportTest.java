package io.dsdagent.agent.instrument.jboss;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether jboss.modules.system.pkgs already hands the bridge package to the application loader, as JBoss Modules matches it. */
class JBossModulesSupportTest {
    private static final String BRIDGE = "io.dsdagent.agent.bridge";

    @Test
    void theBridgePackageOrAPackageAboveItIsListed() {
        assertTrue(JBossModulesSupport.lists(BRIDGE, BRIDGE));
        assertTrue(JBossModulesSupport.lists("org.jboss.byteman, io.dsdagent.agent.bridge", BRIDGE));
        assertTrue(JBossModulesSupport.lists("io.dsdagent", BRIDGE));
        assertTrue(JBossModulesSupport.lists("io.dsdagent.", BRIDGE));
    }

    @Test
    void otherPackagesAndPrefixesThatAreNotPackagesDoNotCount() {
        assertFalse(JBossModulesSupport.lists(null, BRIDGE));
        assertFalse(JBossModulesSupport.lists("", BRIDGE));
        assertFalse(JBossModulesSupport.lists("org.jboss.byteman", BRIDGE));
        assertFalse(JBossModulesSupport.lists("io.dsd", BRIDGE));
        assertFalse(JBossModulesSupport.lists("io.dsdagent.agent.bridge.sub", BRIDGE));
    }
}
