package io.dsdagent.it.foundation;

import io.dsdagent.it.support.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped jar: every class sits under the agent's own package (ASM, JCTools and byte-buddy-agent,
 * which {@code attach <pid>} uses, relocated under {@code io.dsdagent.agent.shaded}, the bridge under {@code io.dsdagent.agent.bridge}), no annotation or
 * API class ships, and the manifest names the agent's entry points.
 */
class PackagingTest {
    @Test
    void everyClassIsRelocatedAndTheManifestIsComplete() throws Exception {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar())) {
            List<String> stray = new ArrayList<>();
            for (JarEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.startsWith("io/dsdagent/agent/")) {
                    stray.add(n);
                }
            }
            assertEquals(List.of(), stray, "classes outside io/dsdagent/agent/");
            // what the weaver and the recorder load: each relocated library on its own, not just one of them
            assertTrue(jar.getEntry("io/dsdagent/agent/shaded/asm/ClassReader.class") != null, "relocated ASM");
            assertTrue(jar.getEntry("io/dsdagent/agent/shaded/jctools/queues/atomic/MpscAtomicArrayQueue.class") != null,
                    "relocated JCTools (its atomic queues)");
            assertTrue(jar.getEntry("io/dsdagent/agent/bridge/Bridge.class") != null, "relocated bridge");
            assertTrue(jar.getEntry("io/dsdagent/agent/shaded/bytebuddy/agent/ByteBuddyAgent.class") != null,
                    "relocated byte-buddy-agent for attach <pid>");
            assertTrue(Collections.list(jar.entries()).stream().noneMatch(e -> e.getName().startsWith("win32-")),
                    "byte-buddy-agent's Windows DLLs (JNA-emulated attach only) are left out");
            Attributes m = jar.getManifest().getMainAttributes();
            assertEquals("io.dsdagent.agent.AgentMain", m.getValue("Premain-Class"));
            assertEquals("io.dsdagent.agent.AgentMain", m.getValue("Agent-Class"));
            assertEquals("true", m.getValue("Can-Retransform-Classes"));
            assertEquals(null, m.getValue("Boot-Class-Path"), "nothing appended to the boot class path");
        }
    }
}
