package io.dsdagent.agent;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;

/**
 * The only code of the agent that calls {@code Unsafe.defineClass}. {@link BootDefiner} defines a copy
 * of this class in a throwaway class loader and exports {@code jdk.internal.misc} to that loader's
 * unnamed module alone; the copy in the agent jar's own loader is never called. It refers to nothing
 * but the JDK (its loader's parent is the boot loader).
 */
public final class BootDefineCall {
    private BootDefineCall() {
    }

    /**
     * Defines {@code classes} in the boot loader. Supertypes may come after their subtypes in the jar,
     * so what fails is retried until nothing is left or a round makes no progress.
     */
    public static void define(String[] names, byte[][] classes) throws Exception {
        Object unsafe;
        Class<?> unsafeClass;
        try {
            unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        } catch (ClassNotFoundException java8) {
            unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
        }
        Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        boolean[] done = new boolean[names.length];
        int left = names.length;
        Throwable last = null;
        while (left > 0) {
            int before = left;
            for (int i = 0; i < names.length; i++) {
                if (done[i]) {
                    continue;
                }
                try {
                    define.invoke(unsafe, names[i], classes[i], 0, classes[i].length, null, null);
                    done[i] = true;
                    left--;
                } catch (InvocationTargetException e) {
                    last = e.getCause();
                }
            }
            if (left == before) {
                throw new IllegalStateException("cannot define the bridge in the boot loader", last);
            }
        }
    }
}
