package io.dsdagent.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The agent's own loader ({@link AgentLoader}): it defines the agent's classes from its jar, with the jar
 * as their code source and the agent's version on their package; it asks the platform loader first and
 * never the system loader, whose class path holds copies of the same classes.
 */
class AgentLoaderTest {
    /** A class that only this test's jar holds under its own name (copied from the test classes). */
    public static final class Inside implements Supplier<String> {
        @Override
        public String get() {
            return "inside " + Inside.class.getClassLoader().getClass().getSimpleName();
        }
    }

    private static byte[] bytesOf(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Path jar(Path dir) throws Exception {
        Path jar = dir.resolve("agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry(Inside.class.getName().replace('.', '/') + ".class"));
            j.write(bytesOf(Inside.class));
            j.closeEntry();
            j.putNextEntry(new JarEntry("io/dsdagent/agent/some.properties"));
            j.write("a=b\n".getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    @Test
    void definesTheJarsClassesItselfWithTheJarAsCodeSourceAndTheVersionOnTheirPackage(@TempDir Path dir) throws Exception {
        Path jar = jar(dir);
        URL location = jar.toUri().toURL();
        AgentLoader loader = new AgentLoader(jar.toFile(), location, "9.9.9");
        Class<?> c = Class.forName(Inside.class.getName(), true, loader);
        assertSame(loader, c.getClassLoader());
        assertEquals(location, c.getProtectionDomain().getCodeSource().getLocation());
        assertEquals("9.9.9", c.getPackage().getImplementationVersion());
        @SuppressWarnings("unchecked")
        Supplier<String> s = (Supplier<String>) c.getConstructor().newInstance();
        assertEquals("inside AgentLoader", s.get());
        assertSame(c, Class.forName(Inside.class.getName(), false, loader), "defined once");
    }

    @Test
    void asksThePlatformLoaderFirstAndNeverTheSystemLoader(@TempDir Path dir) throws Exception {
        Path jar = jar(dir);
        AgentLoader loader = new AgentLoader(jar.toFile(), jar.toUri().toURL(), "1");
        assertSame(String.class, Class.forName("java.lang.String", false, loader));
        assertSame(java.sql.Connection.class, Class.forName("java.sql.Connection", false, loader), "a platform module's class");
        // this test class is on the system class path, not in the jar: the agent's loader does not see it
        assertThrows(ClassNotFoundException.class, () -> Class.forName(AgentLoaderTest.class.getName(), false, loader));
        assertThrows(ClassNotFoundException.class, () -> Class.forName(AgentMain.class.getName(), false, loader));
    }

    @Test
    void readsTheJarsResourcesStraightFromItAndOthersFromTheParent(@TempDir Path dir) throws Exception {
        Path jar = jar(dir);
        AgentLoader loader = new AgentLoader(jar.toFile(), jar.toUri().toURL(), "1");
        try (InputStream in = loader.getResourceAsStream("io/dsdagent/agent/some.properties")) {
            assertEquals("a=b\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        URL url = loader.getResource("io/dsdagent/agent/some.properties");
        assertNotNull(url);
        try (InputStream in = url.openStream()) {
            assertEquals("a=b\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertNull(loader.getResourceAsStream("io/dsdagent/agent/absent.properties"));
        assertNull(loader.getResourceAsStream(AgentLoaderTest.class.getName().replace('.', '/') + ".class"),
                "the system class path's resources are not the agent's");
        assertNotNull(loader.getResourceAsStream("java/lang/String.class"), "the JDK's, through the parent");
    }
}
