package io.dsdagent.bench.overhead;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The floor under every agent's start-up cost: a {@code -javaagent} whose {@code premain} registers one
 * transformer that changes nothing. The JVM then opens the agent jar, loads {@code java.instrument}, and
 * calls the transformer for every class it loads after {@code premain} (a Java call per class, with the
 * class file copied into a new byte array), which each agent measured here pays before doing any work of
 * its own. {@link #jar} writes it as a jar for {@link SpringBootStartup}.
 */
public final class NoopAgent {
    private NoopAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new Unchanged());
    }

    /** Returns null for every class: "no change". */
    static final class Unchanged implements ClassFileTransformer {
    }

    /** Writes the agent jar to {@code dir} and returns its path. */
    static Path jar(Path dir) throws IOException {
        Path jar = dir.resolve("noop-agent.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), NoopAgent.class.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            for (Class<?> c : new Class<?>[] {NoopAgent.class, Unchanged.class}) {
                String entry = c.getName().replace('.', '/') + ".class";
                j.putNextEntry(new JarEntry(entry));
                try (InputStream in = NoopAgent.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(j);
                }
                j.closeEntry();
            }
        }
        return jar;
    }
}
