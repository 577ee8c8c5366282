package io.dsdagent.it.loaders;

import io.dsdagent.it.support.Awaits;
import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Lines;
import io.dsdagent.it.support.UdpReceiver;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The forked JVMs of {@link LoaderFrameworksTest} and {@link LoaderLateAttachTest}: a JBoss module run by
 * jboss-modules' own {@code Main}, and {@code LoadersApp} with Felix, Equinox and a refusing plugin
 * loader; what each prints, and how a test waits for what the agent sends.
 */
final class LoaderScenarios {
    static final int MODULE_CALLS = 7;
    static final String MODULE_OUT = "module org.jboss.modules.ModuleClassLoader sum 140\n";
    static final String[] MODULE_TAGS = {"class:io.dsdagent.it.loaders.module.ModuleMain", "method:square",
        "exception:none", "framework:jboss-modules"};
    static final String WORK = "class:io.dsdagent.it.loaders.bundle.BundleWork";
    static final String[] AFTER_TAGS = {"class:io.dsdagent.it.apps.LoadersApp", "method:afterIntruder",
        "exception:none"};

    private LoaderScenarios() {
    }

    static ForkedJvm withReceiver(ForkedJvm jvm, UdpReceiver rx) {
        return jvm.env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                .env("DSD_AGENT_MAX_SAMPLES_PER_CONTEXT", "100000");
    }

    /** WildFly's launch script sets this property to its own package: the agent must extend it, not replace it. */
    static ForkedJvm jbossModule(String jdk, String... more) throws Exception {
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
    static ForkedJvm osgi(String jdk, String storage, int pluginCalls, String mode) throws Exception {
        File dir = new File(LoaderFixtures.dir(), storage);
        return new ForkedJvm(jdk).main("io.dsdagent.it.apps.LoadersApp", dir.getPath(),
                LoaderFixtures.bundle().getPath(), "" + pluginCalls, mode,
                "felix", LoaderFixtures.frameworkJar("org.apache.felix.framework").getPath(), "5",
                "equinox", LoaderFixtures.frameworkJar("org.eclipse.osgi").getPath(), "6");
    }

    static ForkedJvm osgi(String jdk, String storage) throws Exception {
        return osgi(jdk, storage, 4, "go");
    }

    static String osgiOut(String bridge) {
        return bundlesOut() + "plugin RefusingLoader sum 42\n" + isolationOut(bridge);
    }

    static String bundlesOut() {
        return "bundle felix org.apache.felix.framework.BundleWiringImpl$BundleClassLoader sum 510\n"
                + "bundle equinox org.eclipse.osgi.internal.loader.EquinoxClassLoader sum 1215\n";
    }

    static String isolationOut(String bridge) {
        return "unsafe java.lang.IllegalAccessException\n"
                + "bridge " + bridge + "\n"
                + "after 60\n";
    }

    static void awaitValues(UdpReceiver rx, ForkedJvm jvm, String name, long expected, String... tags) {
        LongSupplier n = () -> Lines.valueCount(rx.lines(), name, "ms", tags);
        Awaits.until(Duration.ofSeconds(15), () -> n.getAsLong() >= expected,
                () -> name + " values " + n.getAsLong() + " of " + expected + "; agent losses: "
                        + Lines.agentLosses(rx.lines()) + "; stderr: " + jvm.stderr());
    }

    static void assertNoAgentComplaint(ForkedJvm jvm) {
        String err = jvm.stderr();
        assertFalse(err.contains("[dsd-agent] WARN") || err.contains("[dsd-agent] ERROR"), err);
    }

    /** A forked JVM that prints {@code ready}, then waits for the test to attach the agent and say go. */
    static void attachThenGo(ForkedJvm jvm) throws Exception {
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

    static int count(String text, String line) {
        int n = 0;
        for (int i = text.indexOf(line); i >= 0; i = text.indexOf(line, i + 1)) {
            n++;
        }
        return n;
    }
}
