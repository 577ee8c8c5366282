package io.dsdagent.it.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Class paths made of jars only: class-data sharing ignores classes from directories. */
public final class Jars {
    private Jars() {
    }

    /** The class path with every directory entry packed into a jar under {@code dir}. */
    public static String jarsOnly(String classpath, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path jar = dir.resolve("dir" + (n++) + ".jar");
                pack(p, jar);
                out.add(jar.toString());
            } else {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    public static void pack(Path classes, Path jar) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f)) {
                    j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    j.write(Files.readAllBytes(f));
                    j.closeEntry();
                }
            }
        }
    }
}
