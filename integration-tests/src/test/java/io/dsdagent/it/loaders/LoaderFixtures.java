package io.dsdagent.it.loaders;

import io.dsdagent.it.loaders.bundle.TimedActivator;
import io.dsdagent.it.loaders.module.ModuleMain;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The JBoss module and the OSGi bundle of {@link LoaderFrameworksTest}, packed from this module's compiled
 * classes into {@code target/loaders} (where the build copies the frameworks' jars): a module directory
 * with its {@code module.xml}, and a bundle jar with its manifest.
 */
final class LoaderFixtures {
    static final String MODULE = "loaders.module";

    private LoaderFixtures() {
    }

    static File dir() {
        return new File(System.getProperty("it.loaders.dir", "target/loaders"));
    }

    static File frameworkJar(String artifact) {
        File f = new File(dir(), artifact + ".jar");
        if (!f.isFile()) {
            throw new IllegalStateException(f + " is missing: the build copies it (integration-tests/pom.xml)");
        }
        return f;
    }

    /** The module path holding {@value #MODULE}, whose main class is {@link ModuleMain}. */
    static File modulePath() throws IOException {
        File root = new File(dir(), "modules");
        File main = new File(root, MODULE.replace('.', '/') + "/main");
        Files.createDirectories(main.toPath());
        jar(new File(main, "app.jar"), new Manifest(), ModuleMain.class);
        String xml = "<module xmlns=\"urn:jboss:module:1.9\" name=\"" + MODULE + "\">\n"
                + "  <main-class name=\"" + ModuleMain.class.getName() + "\"/>\n"
                + "  <resources><resource-root path=\"app.jar\"/></resources>\n"
                + "</module>\n";
        Files.write(new File(main, "module.xml").toPath(), xml.getBytes(StandardCharsets.UTF_8));
        return root;
    }

    /** A bundle with {@link TimedActivator} and the rest of its package, importing only {@code org.osgi.framework}. */
    static File bundle() throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "io.dsdagent.it.loaders.bundle");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", TimedActivator.class.getName());
        a.putValue("Import-Package", "org.osgi.framework");
        File jar = new File(dir(), "timed-bundle.jar");
        jar(jar, m, TimedActivator.class);
        return jar;
    }

    /** Writes the classes of {@code anchor}'s package (compiled by the build) into {@code jar}. */
    private static void jar(File jar, Manifest manifest, Class<?> anchor) throws IOException {
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        String pkg = anchor.getPackage().getName().replace('.', '/');
        Path classes;
        try {
            classes = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Files.createDirectories(jar.getParentFile().toPath());
        try (OutputStream fo = Files.newOutputStream(jar.toPath());
             JarOutputStream out = new JarOutputStream(fo, manifest);
             Stream<Path> files = Files.list(classes.resolve(pkg))) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                out.putNextEntry(new JarEntry(pkg + "/" + p.getFileName()));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
    }
}
