package io.dsdagent.it.foundation;

import io.dsdagent.it.support.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the bridge cannot be defined in the boot loader, instrumentation is off with one line and the
 * rest of the agent runs: never a fall-back append to the boot class path. Provoked with a copy of the
 * agent jar that lacks the class defining the bridge. The behaviour does not differ by JDK: build JDK only.
 */
class BridgeDefinitionFailureTest {
    private static final String DEFINER = "io/dsdagent/agent/BootDefineCall.class";

    private static File agentWithoutDefiner() throws Exception {
        File out = new File("target", "agent-without-definer.jar").getCanonicalFile();
        try (JarInputStream in = new JarInputStream(new FileInputStream(ForkedJvm.agentJar()));
             JarOutputStream jar = new JarOutputStream(new FileOutputStream(out), in.getManifest())) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (!e.getName().equals(DEFINER)) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    @Test
    void noBridgeMeansNothingWovenOneErrorLineAndNoBootClassPathAppend() throws Exception {
        File broken = agentWithoutDefiner();
        try (ForkedJvm jvm = new ForkedJvm(System.getProperty("java.home")).withoutAgent()
                .jvmArg("-javaagent:" + broken.getAbsolutePath())
                .main("io.dsdagent.it.apps.LoadersApp", "storage-unused", "bundle-unused", "0", "go")) {
            jvm.start();
            assertEquals(0, jvm.waitFor(60), jvm.stderr());
            assertEquals("unsafe java.lang.IllegalAccessException\nbridge absent\nafter 60\n", jvm.stdout());
            String err = jvm.stderr();
            assertTrue(err.startsWith("[dsd-agent] ERROR instrumentation disabled: could not define the bridge in the"
                    + " boot loader (java.lang.IllegalStateException: " + broken.getPath()
                    + " lacks the bridge classes or their definer); runtime metrics and sockstat still run\n"), err);
            assertTrue(err.contains("; instrumenting nothing;"), err);
            assertEquals(1, err.split("ERROR", -1).length - 1, err);
            assertFalse(err.contains("Sharing is only supported"), err);
        }
    }
}
