package io.dsdagent.it.loaders;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Class loaders that isolate packages, from their real jars: a JBoss Modules module and bundles in Apache
 * Felix and Eclipse Equinox get their {@code @Timed} methods timed exactly and return normally, with
 * nothing configured by the user, and so does a plugin loader that refuses {@code io.dsdagent.agent.*};
 * each framework's switch turns that off with one line and the application unchanged. The same forks check that nothing is widened for application code:
 * {@code jdk.internal.misc.Unsafe.getUnsafe()} fails as without the agent, and a second
 * {@code Bridge.install} from the application is ignored.
 */
class LoaderFrameworksTest {
    private static final int MODULE_CALLS = 7;
    private static final String MODULE_OUT = "module org.jboss.modules.ModuleClassLoader sum 140\n";
    private static final String[] MODULE_TAGS = {"class:io.dsdagent.it.loaders.module.ModuleMain", "method:square",
        "exception:none", "framework:jboss-modules"};
    private static final String WORK = "class:io.dsdagent.it.loaders.bundle.BundleWork";
    private static final String[] AFTER_TAGS = {"class:io.dsdagent.it.apps.LoadersApp", "method:afterIntruder",
        "exception:none"};

    static List<String> jdks() {
        return Jdks.homes();
    }

    private static ForkedJvm withReceiver(ForkedJvm jvm, UdpReceiver rx) {
        return jvm.env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000");
    }

    /** WildFly's launch script sets this property to its own package: the agent must extend it, not replace it. */
    private static ForkedJvm jbossModule(String jdk, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("-mp", LoaderFixtures.modulePath().getPath(),
                LoaderFixtures.MODULE, "" + MODULE_CALLS));
        args.addAll(List.of(more));
        return new ForkedJvm(jdk).jvmArg("-Djboss.modules.system.pkgs=org.jboss.byteman")
                .classpath(LoaderFixtures.frameworkJar("jboss-modules").getPath())
                .main("org.jboss.modules.Main", args.toArray(new String[0]));
    }

    /**
     * Felix calls its bundle's timed method 5 times, Equinox 6 times, the refusing plugin loader's 4 times
     * (0: no plugin); {@code wait}: the bundles run after the test said go.
     */
    private static ForkedJvm osgi(String jdk, String storage, int pluginCalls, String mode) throws Exception {
        File dir = new File(LoaderFixtures.dir(), storage);
        return new ForkedJvm(jdk).main("io.dsdagent.it.apps.LoadersApp", dir.getPath(),
                LoaderFixtures.bundle().getPath(), "" + pluginCalls, mode,
                "felix", LoaderFixtures.frameworkJar("org.apache.felix.framework").getPath(), "5",
                "equinox", LoaderFixtures.frameworkJar("org.eclipse.osgi").getPath(), "6");
    }

    private static ForkedJvm osgi(String jdk, String storage) throws Exception {
        return osgi(jdk, storage, 4, "go");
    }

    private static String osgiOut(String bridge) {
        return bundlesOut() + "plugin RefusingLoader sum 42\n" + isolationOut(bridge);
    }

    private static String bundlesOut() {
        return "bundle felix org.apache.felix.framework.BundleWiringImpl$BundleClassLoader sum 510\n"
                + "bundle equinox org.eclipse.osgi.internal.loader.EquinoxClassLoader sum 1215\n";
    }

    private static String isolationOut(String bridge) {
        return "unsafe java.lang.IllegalAccessException\n"
                + "bridge " + bridge + "\n"
                + "after 60\n";
    }

    private static void awaitValues(UdpReceiver rx, ForkedJvm jvm, String name, long expected, String... tags) {
        LongSupplier n = () -> Lines.valueCount(rx.lines(), name, "ms", tags);
        Awaits.until(Duration.ofSeconds(15), () -> n.getAsLong() >= expected,
                () -> name + " values " + n.getAsLong() + " of " + expected + "; agent losses: "
                        + Lines.agentLosses(rx.lines()) + "; stderr: " + jvm.stderr());
    }

    private static void assertNoAgentComplaint(ForkedJvm jvm) {
        String err = jvm.stderr();
        assertFalse(err.contains("[dsd-agent] WARN") || err.contains("[dsd-agent] ERROR"), err);
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

    /** A forked JVM that prints {@code ready}, then waits for the test to attach the agent and say go. */
    private static void attachThenGo(ForkedJvm jvm) throws Exception {
        jvm.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> jvm.stdout().contains("ready\n"));
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(
                String.valueOf(jvm.process().pid()));
        try {
            vm.loadAgent(ForkedJvm.agentJar(), "");
        } finally {
            vm.detach();
        }
        jvm.process().getOutputStream().write("go\n".getBytes());
        jvm.process().getOutputStream().flush();
    }

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

    private static int count(String text, String line) {
        int n = 0;
        for (int i = text.indexOf(line); i >= 0; i = text.indexOf(line, i + 1)) {
            n++;
        }
        return n;
    }
}
