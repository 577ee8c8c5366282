package io.dsdagent.agent.transport;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads junixsocket (Unix datagram sockets on Java 8-21) in a class loader of its own.
 *
 * <p>junixsocket's JNI library binds to its own package names ({@code org.newsclub.net.unix}), so it
 * cannot be relocated like ASM and JCTools; and an application may ship its own junixsocket, of
 * another version. So the agent carries junixsocket's two jars unchanged as resources
 * ({@value #RESOURCES}), puts them on disk once per content ({@link JunixsocketJars}), and opens them in a
 * {@link URLClassLoader} whose parent is the platform loader (the boot loader on Java 8), never the
 * application's: neither side can see the other's copy. The agent reaches it only by reflection and
 * through JDK types ({@code DatagramChannel}, {@code SocketAddress}).
 *
 * <p>Done only when a Unix datagram destination is configured and FFM is not available, on the
 * aggregator thread. junixsocket then extracts and loads its JNI library for the running platform.
 */
final class JunixsocketLoader {
    static final String RESOURCES = "/META-INF/dsd-agent/junixsocket/";
    static final String[] JARS = {"junixsocket-common.jar", "junixsocket-native-common.jar"};

    private static ClassLoader loader;

    private JunixsocketLoader() {
    }

    /** The isolated loader, made on first use; throws if the jars are missing or cannot be copied. */
    static synchronized ClassLoader classLoader() throws IOException {
        if (loader == null) {
            loader = new URLClassLoader(extract(), parent());
        }
        return loader;
    }

    private static URL[] extract() throws IOException {
        File dir = JunixsocketJars.directory(RESOURCES, JARS);
        URL[] urls = new URL[JARS.length];
        for (int i = 0; i < JARS.length; i++) {
            urls[i] = new File(dir, JARS[i]).toURI().toURL();
        }
        return urls;
    }

    /** The platform class loader on Java 9+ (JDK modules only), else the boot loader ({@code null}). */
    private static ClassLoader parent() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null; // Java 8
        }
    }
}
