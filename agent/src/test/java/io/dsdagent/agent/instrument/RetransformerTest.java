package io.dsdagent.agent.instrument;

import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Late attach's batches on the test JVM's real {@link Instrumentation}: a transformer rewrites
 * {@code return 1} into {@code return 2}, except for one class, whose transform yields bytes the JVM
 * rejects, so the batch holding it fails as a whole.
 */
class RetransformerTest {
    static final class A implements IntSupplier { public int getAsInt() { return 1; } }
    static final class B implements IntSupplier { public int getAsInt() { return 1; } }
    static final class C implements IntSupplier { public int getAsInt() { return 1; } }
    static final class Broken implements IntSupplier { public int getAsInt() { return 1; } }
    static final class E implements IntSupplier { public int getAsInt() { return 1; } }

    @Test
    void oneCallPerBatchAndAFailedBatchIsRetriedClassByClass() throws Exception {
        List<IntSupplier> all = List.of(new A(), new B(), new C(), new Broken(), new E());
        for (IntSupplier s : all) {
            assertEquals(1, s.getAsInt(), "before: " + s.getClass().getSimpleName());
        }
        Instrumentation real = ByteBuddyAgent.install();
        List<List<String>> calls = new ArrayList<>();
        Instrumentation counting = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, m, args) -> {
                    if (m.getName().equals("retransformClasses")) {
                        List<String> names = new ArrayList<>();
                        for (Class<?> c : (Class<?>[]) args[0]) {
                            names.add(c.getSimpleName());
                        }
                        calls.add(names);
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ClassFileTransformer returnTwo = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain pd, byte[] b) {
                if (redefined == null || !name.startsWith("io/dsdagent/agent/instrument/RetransformerTest$")) {
                    return null;
                }
                return name.endsWith("$Broken") ? new byte[] {1, 2, 3} : returnTwo(b);
            }
        };
        real.addTransformer(returnTwo, true);
        int failed;
        try {
            List<Class<?>> classes = new ArrayList<>();
            for (IntSupplier s : all) {
                classes.add(s.getClass());
            }
            failed = Retransformer.inBatches(counting, classes, 2);
        } finally {
            real.removeTransformer(returnTwo);
        }
        assertEquals(1, failed, "only the broken class fails");
        assertEquals(List.of(List.of("A", "B"), List.of("C", "Broken"), List.of("C"), List.of("Broken"), List.of("E")),
                calls, "one call per batch; the failed batch again one class at a time");
        int[] after = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            after[i] = all.get(i).getAsInt();
        }
        assertEquals("[2, 2, 2, 1, 2]", Arrays.toString(after), "every class but the broken one is retransformed");
    }

    /** The class with every {@code ICONST_1} replaced by {@code ICONST_2}. */
    private static byte[] returnTwo(byte[] b) {
        ClassWriter w = new ClassWriter(0);
        new ClassReader(b).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, sig, ex)) {
                    @Override
                    public void visitInsn(int opcode) {
                        super.visitInsn(opcode == Opcodes.ICONST_1 ? Opcodes.ICONST_2 : opcode);
                    }
                };
            }
        }, 0);
        return w.toByteArray();
    }
}
