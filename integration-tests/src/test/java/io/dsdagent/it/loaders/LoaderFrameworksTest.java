package io.dsdagent.it.loaders;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static io.dsdagent.it.loaders.LoaderScenarios.AFTER_TAGS;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_CALLS;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_OUT;
import static io.dsdagent.it.loaders.LoaderScenarios.MODULE_TAGS;
import static io.dsdagent.it.loaders.LoaderScenarios.WORK;
import static io.dsdagent.it.loaders.LoaderScenarios.assertNoAgentComplaint;
import static io.dsdagent.it.loaders.LoaderScenarios.awaitValues;
import static io.dsdagent.it.loaders.LoaderScenarios.count;
import static io.dsdagent.it.loaders.LoaderScenarios.jbossModule;
import static io.dsdagent.it.loaders.LoaderScenarios.osgi;
import static io.dsdagent.it.loaders.LoaderScenarios.osgiOut;
import static io.dsdagent.it.loaders.LoaderScenarios.withReceiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Class loaders that isolate packages, from their real jars: a JBoss Modules module and bundles in Apache
 * Felix and Eclipse Equinox get their {@code @Timed} methods timed exactly and return normally, with
 * nothing configured by the user, and so does a plugin loader that refuses {@code io.dsdagent.agent.*};
 * each framework's switch turns that off with one line and the application unchanged. The same forks
 * check that nothing is widened for application code: {@code jdk.internal.misc.Unsafe.getUnsafe()}
 * fails as without the agent, and a second {@code Bridge.install} from the application is ignored.
 */
class LoaderFrameworksTest {
    static List<String> jdks() {
        return Jdks.homes();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void timedMethodOfAJBossModuleIsTimedExactlyWithNothingConfigured(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver(); ForkedJvm jvm = withReceiver(jbossModule(jdk), rx)) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertEquals(MODULE_OUT, jvm.stdout());
            awaitValues(rx, jvm, "loaders.module", MODULE_CALLS, MODULE_TAGS);
            assertEquals(MODULE_CALLS, Lines.valueCount(rx.lines(), "loaders.module", "ms", MODULE_TAGS));
            assertNoAgentComplaint(jvm);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void timedMethodsOfFelixAndEquinoxBundlesAreTimedExactlyAndNothingIsWidened(String jdk) throws Exception {
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm agent = withReceiver(osgi(jdk, "osgi-agent"), rx);
             ForkedJvm plain = osgi(jdk, "osgi-plain").withoutAgent()) {
            agent.start();
            plain.start();
            assertEquals(0, plain.waitFor(90), plain.stderr());
            assertEquals(0, agent.waitFor(90), agent.stderr());
            assertEquals(osgiOut("absent"), plain.stdout());
            assertEquals(osgiOut("install returned false, intruder called 0 times"), agent.stdout());
            awaitValues(rx, agent, "loaders.after.intruder", 2, AFTER_TAGS);
            List<String> lines = rx.lines();
            assertEquals(5, Lines.valueCount(lines, "loaders.bundle", "ms", WORK, "method:felix", "exception:none"));
            assertEquals(6, Lines.valueCount(lines, "loaders.bundle", "ms", WORK, "method:equinox", "exception:none"));
            assertEquals(4, Lines.valueCount(lines, "loaders.plugin", "ms", "class:io.dsdagent.it.loaders.plugin.PluginWork",
                    "method:run", "exception:none"), "a loader that refuses the agent's packages");
            assertEquals(2, Lines.valueCount(lines, "loaders.after.intruder", "ms", AFTER_TAGS));
            assertNoAgentComplaint(agent);
        }
    }

    /** The switches work the same on every JDK: checked on the build's. */
    @Test
    void eachFrameworksSwitchLeavesItsClassesUnwovenWithOneLine() throws Exception {
        String jdk = System.getProperty("java.home");
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm jboss = withReceiver(jbossModule(jdk), rx).env("DSD_AGENT_INSTRUMENTATION_JBOSS_ENABLED", "false");
             ForkedJvm osgi = withReceiver(osgi(jdk, "osgi-off"), rx).env("DSD_AGENT_INSTRUMENTATION_OSGI_ENABLED", "false")) {
            jboss.start();
            osgi.start();
            assertEquals(0, jboss.waitFor(60), jboss.stderr());
            assertEquals(0, osgi.waitFor(90), osgi.stderr());
            assertEquals(MODULE_OUT, jboss.stdout());
            assertEquals(osgiOut("install returned false, intruder called 0 times"), osgi.stdout());
            awaitValues(rx, osgi, "loaders.after.intruder", 2, AFTER_TAGS);
            assertFalse(Lines.any(rx.lines(), "loaders.module"), String.join("\n", rx.lines()));
            assertFalse(Lines.any(rx.lines(), "loaders.bundle"), String.join("\n", rx.lines()));
            assertEquals(1, count(jboss.stderr(), "[dsd-agent] WARN classes of JBoss Modules are not woven:"
                    + " DSD_AGENT_INSTRUMENTATION_JBOSS_ENABLED=false\n"), jboss.stderr());
            assertEquals(1, count(osgi.stderr(), "[dsd-agent] WARN classes of Apache Felix bundles are not woven:"
                    + " DSD_AGENT_INSTRUMENTATION_OSGI_ENABLED=false\n"), osgi.stderr());
            assertEquals(1, count(osgi.stderr(), "[dsd-agent] WARN classes of Eclipse Equinox bundles are not woven:"
                    + " DSD_AGENT_INSTRUMENTATION_OSGI_ENABLED=false\n"), osgi.stderr());
        }
    }
}
