package io.dsdagent.it.loaders;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.dsdagent.it.loaders.LoaderScenarios.AFTER_TAGS;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_CALLS;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_OUT;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_TAGS;
import static io.dsdagent.it.loaders.LoaderScenarios.WORK;
import static io.dsdagent.it.loaders.LoaderScenarios.assertNoAgentComplaint;
import static io.dsdagent.it.loaders.LoaderScenarios.attachThenGo;
import static io.dsdagent.it.loaders.LoaderScenarios.awaitValues;
import static io.dsdagent.it.loaders.LoaderScenarios.bundlesOut;
import static io.dsdagent.it.loaders.LoaderScenarios.count;
import static io.dsdagent.it.loaders.LoaderScenarios.isolationOut;
import static io.dsdagent.it.loaders.LoaderScenarios.jbossModule;
import static io.dsdagent.it.loaders.LoaderScenarios.osgi;
import static io.dsdagent.it.loaders.LoaderScenarios.withReceiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Late attach ({@code agentmain}) into a JVM whose class-loader framework already runs: what premain
 * would have arranged (JBoss Modules' system packages, the OSGi framework's decision before its class
 * loads) comes too late or must be retransformed. Checked on the build's JDK: the routes do not differ
 * by JDK, and the start-up scenarios run on both.
 */
class LoaderLateAttachTest {
    /**
     * After a late attach JBoss Modules has read its system packages already: its loaders find the bridge
     * through the loadClass shortcut retransformed into them, so module methods are timed exactly; with
     * that switched off, module classes are not woven (the application runs as before) and one line says
     * so. Checked on the build's JDK.
     */
    @Test
    void lateAttachIntoARunningJBossModulesTimesModuleMethodsOrLeavesThemUnwovenWithOneLine() throws Exception {
        String jdk = System.getProperty("java.home");
        try (UdpReceiver rx = new UdpReceiver(); UdpReceiver offRx = new UdpReceiver();
             ForkedJvm jvm = withReceiver(jbossModule(jdk, "wait"), rx).withoutAgent();
             ForkedJvm off = withReceiver(jbossModule(jdk, "wait"), offRx).withoutAgent()
                     .env("DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED", "false")) {
            attachThenGo(jvm);
            attachThenGo(off);
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertEquals(0, off.waitFor(60), off.stderr());
            assertEquals("ready\n" + MODULE_OUT, jvm.stdout());
            assertEquals("ready\n" + MODULE_OUT, off.stdout());
            awaitValues(rx, jvm, "loaders.module", MODULE_CALLS, MODULE_TAGS);
            assertEquals(MODULE_CALLS, Lines.valueCount(rx.lines(), "loaders.module", "ms", MODULE_TAGS));
            assertNoAgentComplaint(jvm);
            // the switched-off run's last flush carries its telemetry; a module value would have come with it
            Awaits.until(Duration.ofSeconds(15), () -> Lines.any(offRx.lines(), "dsd_agent.packets.sent"),
                    () -> "no flush arrived; stderr: " + off.stderr());
            assertFalse(Lines.any(offRx.lines(), "loaders.module"), String.join("\n", offRx.lines()));
            assertEquals(1, count(off.stderr(), "[dsd-agent] WARN classes of JBoss Modules are not woven: it started"
                    + " before the agent attached and DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED=false; start the"
                    + " JVM with -javaagent, or add -Djboss.modules.system.pkgs=io.dsdagent.agent.bridge\n"),
                    off.stderr());
        }
    }

    /**
     * After a late attach the frameworks' decision classes are loaded already: they are retransformed,
     * and bundles started afterwards are timed exactly, with the loadClass shortcut switched off so that
     * the boot-delegation rewrite alone must do it. Checked on the build's JDK.
     */
    @Test
    void lateAttachRewritesTheRunningOsgiFrameworksDecision() throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jvm = withReceiver(osgi(System.getProperty("java.home"), "osgi-late", 0, "wait"), rx)
                     .withoutAgent().env("DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED", "false")) {
            attachThenGo(jvm);
            assertEquals(0, jvm.waitFor(90), jvm.stderr());
            assertEquals("ready\n" + bundlesOut() + isolationOut("install returned false, intruder called 0 times"),
                    jvm.stdout());
            awaitValues(rx, jvm, "loaders.after.intruder", 2, AFTER_TAGS);
            List<String> lines = rx.lines();
            assertEquals(5, Lines.valueCount(lines, "loaders.bundle", "ms", WORK, "method:felix", "exception:none"));
            assertEquals(6, Lines.valueCount(lines, "loaders.bundle", "ms", WORK, "method:equinox", "exception:none"));
            assertNoAgentComplaint(jvm);
        }
    }
}
