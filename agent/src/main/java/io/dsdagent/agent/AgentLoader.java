package io.dsdagent.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent's own class loader: every agent class but the trampoline ({@link AgentMain}) and this one is
 * defined here, straight from the agent jar, opened once as a {@link ZipFile}. The system loader, which
 * loads the trampoline, would find them too (the JVM appends the agent jar to the class path), but its
 * per-class path is slow at start-up, while its code still runs in the interpreter: a lookup through its
 * class path, a jar URL and a code source per class, the manifest checked per package. Loading the ~200
 * classes the agent needs by an application's first response took about 40 ms of CPU that way, and about
 * 25 ms this way (issue 18: a fresh JVM loading the same classes both ways). About 40 of them load in
 * {@code premain}, on the application's main thread.
 *
 * <p>Delegation is parent-first, to the platform loader (the extension loader on JDK 8): the JDK's
 * classes, and the bridge once it is defined in the boot loader, come from there; the agent's own classes
 * from the jar. The system loader is not asked, so the agent never mixes its classes with the copies the
 * class path holds. Classes get the jar as their code source (the bridge definer and late attach read the
 * jar's path from it) and packages the jar's {@code Implementation-Version} ({@code Version}).
 *
 * <p>The trampoline reaches the agent without reflection (core reflection spins method handles on recent
 * JDKs, about 40 ms on JDK 25): it initializes the agent's entry class here, whose static initializer
 * hands this loader, through {@link Consumer}, an object the trampoline calls through JDK interfaces.
 */
final class AgentLoader extends ClassLoader implements Consumer<Object> {
    static {
        registerAsParallelCapable();
    }

    private final ZipFile jar;
    private final ProtectionDomain domain;
    private final String version;
    private final Set<String> packages = ConcurrentHashMap.newKeySet();
    /** What the entry class handed over ({@link #accept}). */
    volatile Object entry;

    AgentLoader(File jarFile, URL location, String version) throws IOException {
        super(platformLoader());
        this.jar = new ZipFile(jarFile);
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
        this.version = version;
    }

    /** The system loader's parent: the platform loader (JDK 9+), the extension loader (JDK 8). */
    private static ClassLoader platformLoader() {
        return ClassLoader.getSystemClassLoader().getParent();
    }

    @Override
    public void accept(Object entry) {
        this.entry = entry;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        ZipEntry e = jar.getEntry(name.replace('.', '/').concat(".class"));
        if (e == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] b;
        try {
            b = read(e);
        } catch (IOException x) {
            throw new ClassNotFoundException(name, x);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (packages.add(pkg)) {
                try {
                    definePackage(pkg, null, null, null, null, version, null, null);
                } catch (IllegalArgumentException alreadyDefined) {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, b, 0, b.length, domain);
    }

    private byte[] read(ZipEntry e) throws IOException {
        long size = e.getSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size > 0 && size < Integer.MAX_VALUE ? (int) size : 8192);
        byte[] buf = new byte[8192];
        try (InputStream in = jar.getInputStream(e)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** The agent's resources straight from the jar (no jar URL connection); others from the parent. */
    @Override
    public InputStream getResourceAsStream(String name) {
        ZipEntry e = jar.getEntry(name);
        if (e != null) {
            try {
                return jar.getInputStream(e);
            } catch (IOException x) {
                return null;
            }
        }
        return super.getResourceAsStream(name);
    }

    @Override
    protected URL findResource(String name) {
        if (jar.getEntry(name) == null) {
            return null;
        }
        try {
            return new URL("jar:" + domain.getCodeSource().getLocation() + "!/" + name);
        } catch (MalformedURLException e) {
            return null;
        }
    }
}
