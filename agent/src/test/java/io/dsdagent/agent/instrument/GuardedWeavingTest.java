package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.fixture.weave.EveryReturn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Woven methods behave exactly as without the agent when the bridge fails: {@link FailingBridge} throws
 * {@code Error} or {@code NoClassDefFoundError} on entry, on exit or both, for every hook kind and every
 * return type; and a loader that cannot see the bridge at all gets the JVM's own
 * {@code NoClassDefFoundError}, swallowed where it is raised.
 */
class GuardedWeavingTest {
    private static final String FAILING = FailingBridge.class.getName().replace('.', '/');
    /** Every hook kind the weaver inserts around code, by a name for failure messages (public methods only). */
    private static final Map<String, Function<MethodInfo, Advice>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("timed", m -> Advice.timed(1, false));
        KINDS.put("stage", m -> Advice.timed(1, true));
        KINDS.put("call", m -> Advice.call(2, true, true, true, 0, 1));
        KINDS.put("exit-only call", m -> Advice.call(2, false, true, false, Advice.THIS, 0));
        KINDS.put("enter-only call", m -> Advice.call(2, true, false, false, 0, -1));
        KINDS.put("bridge entry", m -> Advice.bridgeOnEntry("entered"));
    }

    @AfterEach
    void restoreLog() {
        Log.setOut(System.err);
    }

    private static InstrumentationModule.Matcher every(Function<MethodInfo, Advice> hook) {
        return new InstrumentationModule.Matcher() {
            @Override public String[] annotations() { return new String[0]; }
            @Override public boolean examines(ClassInfo c) { return true; }
            @Override public Advice advice(ClassInfo c, MethodInfo m) { return hook.apply(m); }
        };
    }

    static byte[] classFile(Class<?> c) throws Exception {
        String res = c.getName().replace('.', '/') + ".class";
        return Resources.readAll(c.getClassLoader().getResourceAsStream(res));
    }

    static Class<?> define(ClassLoader parent, String name, byte[] b) {
        return new ClassLoader(parent) {
            Class<?> define() {
                return defineClass(name, b, 0, b.length);
            }
        }.define();
    }

    private static Object wovenEveryReturn(Function<MethodInfo, Advice> kind, String bridge, ClassLoader parent)
            throws Exception {
        byte[] b = new Weaver(List.of(every(m -> m.isInitializer() || !m.is(Modifier.PUBLIC) ? null : kind.apply(m))), bridge)
                .weave(GuardedWeavingTest.class.getClassLoader(), classFile(EveryReturn.class));
        return define(parent, EveryReturn.class.getName(), b).getConstructor().newInstance();
    }

    /** Arguments for each method of {@link EveryReturn}: one call that returns and one that throws. */
    private static List<Object[]> argumentsFor(String method) {
        switch (method) {
            case "v": return List.of(new Object[] {new int[1], false}, new Object[] {new int[1], true});
            case "z": return List.of(new Object[] {true, false}, new Object[] {true, true});
            case "b": return List.of(new Object[] {(byte) 1, false}, new Object[] {(byte) 1, true});
            case "c": return List.of(new Object[] {'a', false}, new Object[] {'a', true});
            case "s": return List.of(new Object[] {(short) 1, false}, new Object[] {(short) 1, true});
            case "i": return List.of(new Object[] {1, false}, new Object[] {1, true});
            case "j": return List.of(new Object[] {1L, false}, new Object[] {1L, true});
            case "f": return List.of(new Object[] {1f, false}, new Object[] {1f, true});
            case "d": return List.of(new Object[] {1.0, false}, new Object[] {1.0, true});
            case "l": return List.of(new Object[] {"x", false}, new Object[] {"x", true});
            case "a": return List.of(new Object[] {3, false}, new Object[] {3, true});
            case "own": return List.of(new Object[] {5, new int[1]}, new Object[] {-1, new int[1]},
                    new Object[] {0, new int[1]});
            default: throw new IllegalArgumentException(method);
        }
    }

    /** What a call did: its result or its exception, and what it left in its array arguments. */
    private static String outcome(Object target, String method, Object[] args) {
        Method m = Arrays.stream(target.getClass().getMethods()).filter(x -> x.getName().equals(method))
                .findFirst().orElseThrow();
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof int[] a) {
                copy[i] = a.clone();
            }
        }
        String result;
        try {
            Object r = m.invoke(Modifier.isStatic(m.getModifiers()) ? null : target, copy);
            result = "returned " + (r instanceof int[] a ? "int[" + a.length + "]" : r + " " + (r == null ? "" : r.getClass().getSimpleName()));
        } catch (InvocationTargetException e) {
            result = "threw " + e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return result + " " + Arrays.deepToString(copy);
    }

    /** Calls every method both ways on the woven and the plain class; asserts equal outcomes; returns the calls made. */
    private static int assertSameBehaviour(Object woven, String what) {
        Object plain = new EveryReturn();
        int calls = 0;
        for (String method : EveryReturn.METHODS) {
            for (Object[] args : argumentsFor(method)) {
                assertEquals(outcome(plain, method, args), outcome(woven, method, args), what + ": " + method);
                calls++;
            }
        }
        return calls;
    }

    @Test
    void aBridgeThatThrowsOnEnterOrExitLeavesEveryReturnTypeAndEveryThrowUnchanged() throws Exception {
        List<Throwable> errors = List.of(new Error("bridge failed"),
                new NoClassDefFoundError("io/dsdagent/agent/bridge/Bridge"));
        for (Map.Entry<String, Function<MethodInfo, Advice>> kind : KINDS.entrySet()) {
            Object woven = wovenEveryReturn(kind.getValue(), FAILING, GuardedWeavingTest.class.getClassLoader());
            Advice sample = kind.getValue().apply(null);
            for (Throwable error : errors) {
                Throwable[][] modes = {{error, null}, {null, error}, {error, error}};
                for (Throwable[] mode : modes) {
                    String what = kind.getKey() + ", enter throws " + mode[0] + ", exit throws " + mode[1];
                    FailingBridge.reset(mode[0], mode[1]);
                    int calls = assertSameBehaviour(woven, what);
                    boolean entersBridge = sample.kind == Advice.CALL ? sample.enter : sample.kind == Advice.BRIDGE_ENTER;
                    assertEquals(entersBridge ? calls : 0, FailingBridge.enters, what + ": entry calls");
                    assertEquals(sample.exit ? calls : 0, FailingBridge.exits,
                            what + ": exactly one exit call per call, even when it throws");
                }
            }
        }
    }

    @Test
    void aLoaderThatCannotSeeTheBridgeGetsNoClassDefFoundErrorSwallowedWhereItIsRaised() throws Exception {
        ClassLoader platform = ClassLoader.getPlatformClassLoader(); // sees java.*, not the bridge
        for (Map.Entry<String, Function<MethodInfo, Advice>> kind : KINDS.entrySet()) {
            Object woven = wovenEveryReturn(kind.getValue(), Weaver.BRIDGE, platform);
            assertSameBehaviour(woven, kind.getKey());
            assertSameBehaviour(woven, kind.getKey() + ", second round (the JVM caches the failed resolution)");
        }
    }

    @Test
    void stubBodiesFallBackToTheirOwnCodeWhenTheBridgeFails() throws Exception {
        InstrumentationModule.Matcher stubs = every(m -> m.name.equals("register") ? Advice.replace() : null);
        byte[] b = new Weaver(List.of(stubs)).weave(getClass().getClassLoader(),
                classFile(io.dsdagent.fixture.weave.Target.class));
        Class<?> c = define(ClassLoader.getPlatformClassLoader(), io.dsdagent.fixture.weave.Target.class.getName(), b);
        Method register = c.getMethod("register", int.class, String.class, String[].class);
        assertEquals(-7, register.invoke(null, 1, "n", new String[0]), "the stub's own return value");
    }

    @Test
    void constructorsAndTypeInitializersAreRefusedWithOneLine() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        byte[] original = classFile(EveryReturn.class);
        InstrumentationModule.Matcher initializersOnly = every(m -> m.isInitializer() ? Advice.timed(1, false) : null);
        assertNull(new Weaver(List.of(initializersOnly), FAILING).weave(getClass().getClassLoader(), original),
                "nothing to weave");
        String lines = log.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("EveryReturn.<init>: constructors and type initializers are never woven"), lines);

        byte[] b = new Weaver(List.of(every(m -> m.is(Modifier.PRIVATE) ? null : Advice.timed(1, false))), FAILING).weave(getClass().getClassLoader(),
                original);
        assertNotNull(b);
        FailingBridge.reset(null, null);
        Object o = define(getClass().getClassLoader(), EveryReturn.class.getName(), b).getConstructor().newInstance();
        assertEquals(0, FailingBridge.exits, "neither <clinit> nor <init> is timed");
        assertEquals(25, assertSameBehaviour(o, "timed"));
        assertEquals(25, FailingBridge.exits);
        List<String> refused = new ArrayList<>();
        for (String line : log.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("never woven")) {
                refused.add(line);
            }
        }
        assertEquals(2, refused.size(), "one line each for <init> and <clinit>: " + refused);
    }

    @Test
    void aTransformReenteredOnItsOwnThreadReturnsAtOnce() throws Exception {
        byte[] target = classFile(io.dsdagent.fixture.weave.Target.class);
        String name = io.dsdagent.fixture.weave.Target.class.getName().replace('.', '/');
        ClassLoader loader = getClass().getClassLoader();
        WeavingTransformer[] t = new WeavingTransformer[1];
        List<String> nested = new ArrayList<>();
        boolean[] nest = {true};
        InstrumentationModule.Matcher m = every(method -> {
            if (nest[0] && nested.isEmpty()) { // as a loader would, loading a class while the agent reads a supertype
                nested.add(String.valueOf(t[0].transform(loader, name, null, null, target)));
            }
            return method.name.equals("sum") ? Advice.timed(1, false) : null;
        });
        t[0] = Instrumenter.transformer(List.of("class:" + name), new Weaver(List.of(m)));
        assertNotNull(t[0].transform(loader, name, null, null, target), "the outer transform weaves");
        assertEquals(List.of("null"), nested, "the nested one returned at once, unwoven");
        nest[0] = false;
        assertNotNull(t[0].transform(loader, name, null, null, target), "and the thread weaves again afterwards");
    }
}
