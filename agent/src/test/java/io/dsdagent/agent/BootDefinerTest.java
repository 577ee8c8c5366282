package io.dsdagent.agent;

import io.dsdagent.bootstrap.Bridge;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The boot loader gets the bridge classes by name: the list must name every class the shade puts in the
 * bridge package (all of the bootstrap module's {@code io/dsdagent/bootstrap/**}), or woven code would
 * call a class the boot loader never got.
 */
class BootDefinerTest {
    private static final String PACKAGE = "io/dsdagent/bootstrap/";

    @Test
    void theBridgeListNamesEveryClassOfTheBootstrapPackageTheShadeRelocates() throws Exception {
        Path where = Paths.get(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> found = new TreeSet<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where.resolve(PACKAGE))) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .forEach(f -> found.add(simple(where.relativize(f).toString().replace('\\', '/'))));
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    if (e.getName().startsWith(PACKAGE) && e.getName().endsWith(".class")) {
                        found.add(simple(e.getName()));
                    }
                }
            }
        }
        assertEquals(found, new TreeSet<>(Set.of(BootDefiner.BRIDGE_CLASSES)), "from " + where);
    }

    private static String simple(String entry) {
        return entry.substring(PACKAGE.length(), entry.length() - ".class".length());
    }
}
