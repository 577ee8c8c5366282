package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Calls annotated methods of every shape {@code args[0]} times from a class loader that refuses
 * {@code io.dsdagent.agent.*}, as JBoss Modules and OSGi refuse packages they do not import, so woven
 * code there cannot link to the agent's bridge; then the same calls on the class as the class path
 * loads it. Prints what every call returned or threw.
 */
public final class BridgeBlindApp {
    /** One method per shape: primitive, wide, reference and void returns, a throw, its own try/finally, a stage. */
    public static class Shapes {
        @Timed("blind.int")
        public int i(int x) {
            return x + 1;
        }

        @Timed("blind.long")
        public static long j(long x) {
            return x * 2;
        }

        @Timed("blind.double")
        public double d(double x) {
            return x / 2;
        }

        @Timed("blind.string")
        public String l(String s) {
            return s + "!";
        }

        @Timed("blind.void")
        public void v(int[] box) {
            box[0]++;
        }

        @Timed("blind.throws")
        public int fail(int x) {
            throw new IllegalStateException("own " + x);
        }

        @Timed("blind.finally")
        public int own(int x, int[] runs) {
            try {
                if (x % 2 == 0) {
                    throw new IllegalArgumentException("even");
                }
                return x;
            } catch (IllegalArgumentException e) {
                return -1;
            } finally {
                runs[0]++;
            }
        }

        @Timed("blind.stage")
        public CompletableFuture<String> stage(String s) {
            return CompletableFuture.completedFuture(s + "?");
        }
    }

    /** Loads this application's own classes itself; {@code io.dsdagent.agent.*} is refused, the rest is the JDK's. */
    static final class Refusing extends URLClassLoader {
        Refusing(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.dsdagent.agent.")) {
                throw new ClassNotFoundException(name + " is not imported here");
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Every method of {@code shapes} called {@code rounds} times; what each returned or threw, in order. */
    static String run(Class<?> shapes, int rounds) throws Exception {
        Object s = shapes.getConstructor().newInstance();
        StringBuilder out = new StringBuilder();
        int[] box = new int[1];
        int[] runs = new int[1];
        for (int r = 0; r < rounds; r++) {
            Object[][] calls = {{"i", r}, {"j", (long) r}, {"d", (double) r}, {"l", "r" + r}, {"v", box},
                {"fail", r}, {"own", r, runs}, {"stage", "s" + r}};
            for (Object[] call : calls) {
                out.append(call(s, (String) call[0], Arrays.copyOfRange(call, 1, call.length))).append(' ');
            }
        }
        return out.append("box ").append(box[0]).append(" finally ").append(runs[0]).toString();
    }

    private static String call(Object target, String name, Object[] args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    Object r = m.invoke(Modifier.isStatic(m.getModifiers()) ? null : target, args);
                    return r instanceof CompletableFuture ? "future " + ((CompletableFuture<?>) r).join() : String.valueOf(r);
                } catch (InvocationTargetException e) {
                    return "threw " + e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = new File(entries[i]).toURI().toURL();
        }
        try (Refusing refusing = new Refusing(urls)) {
            Class<?> blind = Class.forName(Shapes.class.getName(), true, refusing);
            if (blind.getClassLoader() != refusing) {
                throw new IllegalStateException("Shapes was not loaded by the refusing loader");
            }
            System.out.println("blind " + run(blind, rounds));
        }
        System.out.println("seeing " + run(Shapes.class, rounds));
    }
}
