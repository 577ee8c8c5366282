package io.dsdagent.bootstrap;

import io.dsdagent.agent.record.Registry;
import org.junit.jupiter.api.Test;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The metric type numbers are defined once, on the bridge, and the facade only compiles them in. */
class MetricTypeNumbersTest {
    @Test
    void theRegistryNumbersTypesAsTheBridgeDoes() {
        assertArrayEquals(new int[] {Sink.COUNT, Sink.GAUGE, Sink.TIMER, Sink.HISTOGRAM, Sink.DISTRIBUTION, Sink.SET},
                new int[] {Registry.COUNT, Registry.GAUGE, Registry.TIMER, Registry.HISTOGRAM, Registry.DISTRIBUTION,
                        Registry.SET});
    }

    /** javac lists {@code Sink} in the constant pool as a dependency note; no instruction may resolve it. */
    @Test
    void theApiFacadeNeverLinksToTheBridgePackage() throws Exception {
        List<String> refs = new ArrayList<>();
        try (InputStream in = Sink.class.getClassLoader().getResourceAsStream("io/dsdagent/api/DsdMetrics.class")) {
            assertNotNull(in);
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitFieldInsn(int op, String owner, String field, String d) {
                            refs.add(owner + "." + field);
                        }

                        @Override
                        public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                            refs.add(owner + "." + m);
                        }

                        @Override
                        public void visitTypeInsn(int op, String type) {
                            refs.add(type);
                        }
                    };
                }
            }, 0);
        }
        assertFalse(refs.isEmpty(), "the scan saw DsdMetrics' code");
        for (String r : refs) {
            assertFalse(r.startsWith("io/dsdagent/bootstrap/"), "DsdMetrics links to the bridge: " + r);
        }
    }
}
