package io.dsdagent.agent.instrument;

import io.dsdagent.bootstrap.Sink;
import io.dsdagent.fixture.weave.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weaver on its own: woven classes are defined in a fresh loader (so the JVM verifies them) and
 * called; results and exceptions are unchanged, and the bridge sees exactly the expected calls.
 */
class WeaverTest {
    private final List<String> calls = new ArrayList<>();

    @BeforeEach
    void install() {
        TestBridge.set(new Sink() {
            @Override public int register(int type, String name, String[] tags) {
                calls.add("register " + type + " " + name + " " + tags.length);
                return 42;
            }
            @Override public int hookEnter(int hook, Object a, Object b) {
                calls.add("enter " + hook + " " + a + " " + b);
                return 100 + hook;
            }
            @Override public void hookExit(int hook, int code, Object a, Object b, Object r, Throwable t) {
                calls.add("exit " + hook + " " + code + " " + a + " " + b + " " + r + " " + (t == null ? null : t.getMessage()));
            }
            @Override public void count(int id, long delta) { }
            @Override public void gauge(int id, double value) { }
            @Override public void recordNanos(int id, long nanos) { }
            @Override public void record(int id, double value) { }
            @Override public void setAdd(int id, String member) { }
            @Override public void event(String t, String x, long ts, String h, String k, String p, String s, String a, String[] tags) { }
            @Override public void serviceCheck(String n, int s, long ts, String h, String m, String[] tags) { }
            @Override public void methodTimed(int id, long nanos, Throwable thrown) {
                calls.add("timed " + id + " " + (nanos >= 0) + " " + (thrown == null ? null : thrown.getMessage()));
            }
            @Override public void methodStage(int id, long start, Object r, Throwable t) { }
            @Override public void httpRequest(long nanos, String m, int status, boolean committed, String route, Throwable t) { }
            @Override public void adviceError(Throwable error) { calls.add("error " + error); }
        });
    }

    @AfterEach
    void uninstall() {
        TestBridge.set(null);
    }

    /** Hooks the named methods: CALL with the two first parameters (or THIS), return passed; {@code register} replaced. */
    private static InstrumentationModule.Matcher matcher(Set<String> timed) {
        return new InstrumentationModule.Matcher() {
            @Override public String[] annotations() { return new String[0]; }
            @Override public boolean examines(ClassInfo c) { return true; }
            @Override public Advice advice(ClassInfo c, MethodInfo m) {
                if (m.isInitializer()) {
                    return null;
                }
                if (m.name.equals("register")) {
                    return Advice.replace();
                }
                if (timed.contains(m.name)) {
                    return Advice.timed(9, false);
                }
                return m.name.equals("fail") ? Advice.call(3, true, true, false, Advice.THIS, 0)
                        : Advice.call(m.name.length(), true, true, true, 0, 1);
            }
        };
    }

    private static Class<?> woven(String name, byte[] original, Set<String> timed) throws Exception {
        byte[] b = new Weaver(List.of(matcher(timed))).weave(WeaverTest.class.getClassLoader(), original);
        return new ClassLoader(WeaverTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name, b, 0, b.length);
            }
        }.define();
    }

    private static Class<?> wovenTarget(Set<String> timed) throws Exception {
        String res = Target.class.getName().replace('.', '/') + ".class";
        return woven(Target.class.getName(), Resources.readAll(WeaverTest.class.getClassLoader().getResourceAsStream(res)), timed);
    }

    private static Object call(Object o, String name, Object... args) throws Throwable {
        for (Method m : o.getClass().getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(o, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    @Test
    void callHooksSeeArgumentsReturnValuesAndThrowablesAndResultsAreUnchanged() throws Throwable {
        Object t = wovenTarget(Set.of()).getConstructor().newInstance();
        assertEquals(6, call(t, "sum", (Object) new int[] {1, 2, 3}));
        assertEquals(15L, call(t, "wide", 10L, 2.5, "abc"));
        assertEquals(-1L, call(t, "wide", 10L, 2.5, null));
        assertEquals("x+y", call(t, "join", "x", "y"));
        assertEquals(true, call(t, "flag", "s", "s"));
        assertEquals(6.0, call(t, "branchy", 4));
        assertEquals(1.5, call(t, "branchy", 1));
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> call(t, "fail", boom)));
        assertNull(call(t, "fail", (Object) null));
        assertEquals(42, call(t, "register", 1, "n", new String[] {"a:b"}));
        String target = "io.dsdagent.fixture.weave.Target@";
        List<String> expected = List.of(
                "enter 3 [I@", "exit 3 103 [I@",
                "enter 4 null null", "exit 4 104 null null 15 null", // wide: a long and a double are not passed
                "enter 4 null null", "exit 4 104 null null -1 null",
                "enter 4 x y", "exit 4 104 x y x+y null",
                "enter 4 s s", "exit 4 104 s s true null",
                "enter 7 null null", "exit 7 107 null null 6.0 null",
                "enter 7 null null", "exit 7 107 null null 1.5 null",
                "enter 3 " + target, "exit 3 103 " + target,
                "enter 3 " + target, "exit 3 103 " + target,
                "register 1 n 1");
        assertEquals(expected.size(), calls.size(), calls.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(calls.get(i).startsWith(expected.get(i)), i + ": " + calls.get(i) + " vs " + expected.get(i));
        }
        assertTrue(calls.get(15).endsWith(" java.lang.IllegalStateException: boom null boom"), calls.get(15));
        assertTrue(calls.get(17).endsWith(" null null null"), calls.get(17));
    }

    @Test
    void timedHooksReportEveryReturnAndThrow() throws Throwable {
        Object t = wovenTarget(Set.of("branchy", "fail", "wide")).getConstructor().newInstance();
        assertEquals(0.5, call(t, "branchy", 0));
        assertEquals(3.0, call(t, "branchy", 3));
        assertEquals(-1L, call(t, "wide", 1L, 1.0, null));
        RuntimeException e = new RuntimeException("thrown");
        assertSame(e, assertThrows(RuntimeException.class, () -> call(t, "fail", e)));
        assertEquals(List.of("timed 9 true null", "timed 9 true null", "timed 9 true null", "timed 9 true thrown"),
                calls.stream().filter(c -> c.startsWith("timed")).toList());
    }

    @Test
    void classFilesWithoutStackMapsAreWovenToo() throws Throwable {
        // a Java 1.4 class (no StackMapTable): static int f(Object a, int x) { if (x > 0) return 1; return 2; }
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "weave/Old", null, "java/lang/Object", null);
        MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "(Ljava/lang/Object;I)I", null, null);
        mv.visitCode();
        Label two = new Label();
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitJumpInsn(Opcodes.IFLE, two);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(two);
        mv.visitInsn(Opcodes.ICONST_2);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        w.visitEnd();
        Class<?> old = woven("weave.Old", w.toByteArray(), Set.of());
        Method f = old.getMethod("f", Object.class, int.class);
        assertEquals(1, f.invoke(null, "a", 5));
        assertEquals(2, f.invoke(null, "b", 0));
        assertEquals(List.of("enter 1 a null", "exit 1 101 a null 1 null", "enter 1 b null", "exit 1 101 b null 2 null"), calls);
    }
}
