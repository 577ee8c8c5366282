package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import io.dsdagent.fixture.hookapi.PlainRequest;
import io.dsdagent.fixture.hookcalls.Calls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HookTable} with real class loaders: a hook is linked next to the copy of the API its anchor object comes
 * from, called with the woven method's arguments, skipped where it cannot apply, and does not keep an undeployed
 * application's loader alive.
 */
class HookTableTest {
    private static final String HOOK = "io.dsdagent.fixture.hook.RequestHook";
    private static final String RETURN_HOOK = "io.dsdagent.fixture.hook.ReturnHook";
    private static final String API = "io.dsdagent.fixture.hookapi.Request";

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        Calls.clear();
        Log.setOut(new PrintStream(log, true));
    }

    @AfterEach
    void restoreLog() {
        Log.setOut(System.err);
    }

    @Test
    void enterAndExitReachTheHookWithTheWovenMethodsArguments() throws Throwable {
        int id = HookTable.define(HOOK, API, HookTable.FROM_A);
        PlainRequest r = new PlainRequest(7);
        assertEquals(47, HookTable.enter(id, r, "b"));
        IllegalStateException thrown = new IllegalStateException("x");
        HookTable.exit(id, 47, r, "b", "ret", thrown);
        assertEquals(List.of("enter 7 b", "exit 47 request 7 b ret " + thrown), Calls.SEEN);
        assertEquals("", log.toString());
    }

    @Test
    void theSameHookAnchorAndSourceAlwaysGetTheSameId() {
        int a = HookTable.define(HOOK, API, HookTable.FROM_A);
        assertEquals(a, HookTable.define(HOOK, API, HookTable.FROM_A));
        int b = HookTable.define(HOOK, API, HookTable.FROM_B);
        assertNotEquals(a, b);
        assertEquals(b, HookTable.define(HOOK, API, HookTable.FROM_B));
    }

    @Test
    void theAnchorCanBeTheSecondArgumentOrTheReturnValue() throws Throwable {
        int fromB = HookTable.define(HOOK, API, HookTable.FROM_B);
        assertEquals(0, HookTable.enter(fromB, new PlainRequest(1), null), "the anchor is b, and b is null");
        assertEquals(Calls.SEEN, List.of());
        int fromReturn = HookTable.define(RETURN_HOOK, API, HookTable.FROM_RETURN);
        assertEquals(0, HookTable.enter(fromReturn, new PlainRequest(2), null), "a return-value hook has no enter");
        HookTable.exit(fromReturn, 5, null, null, new PlainRequest(3), null);
        HookTable.exit(fromReturn, 6, new PlainRequest(4), null, null, null); // returned null: nothing to anchor on
        assertEquals(List.of("returned 3 5"), Calls.SEEN);
    }

    @Test
    void anObjectOfAnotherTypeOrAnUnknownIdIsNotHooked() throws Throwable {
        int id = HookTable.define(HOOK, API, HookTable.FROM_A);
        assertEquals(0, HookTable.enter(id, "not a request", null));
        HookTable.exit(id, 1, "not a request", null, null, null);
        assertEquals(0, HookTable.enter(-1, new PlainRequest(1), null));
        assertEquals(0, HookTable.enter(10_000, new PlainRequest(1), null));
        HookTable.exit(10_000, 1, new PlainRequest(1), null, null, null);
        assertEquals(List.of(), Calls.SEEN);
        assertEquals("", log.toString(), "not the anchor type is not a problem");
    }

    @Test
    void aHookThatCannotBeLinkedIsNamedOnceAndNeverCalled() throws Throwable {
        int id = HookTable.define("io.dsdagent.fixture.hook.Missing", API, HookTable.FROM_A);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, HookTable.enter(id, new PlainRequest(i), null));
            HookTable.exit(id, 0, new PlainRequest(i), null, null, null);
        }
        String[] lines = log.toString().split("\n");
        assertEquals(1, lines.length, log.toString());
        assertTrue(lines[0].startsWith("[dsd-agent]") && lines[0].contains("cannot link io.dsdagent.fixture.hook.Missing")
                && lines[0].endsWith("those calls are not measured"), lines[0]);
    }

    /** A webapp that bundles its own copy of the API gets its own hook class, linked against that copy. */
    @Test
    void eachCopyOfTheApiGetsItsOwnHookClass() throws Throwable {
        int id = HookTable.define(HOOK, API, HookTable.FROM_A);
        try (URLClassLoader one = new ApiCopy(); URLClassLoader two = new ApiCopy()) {
            Object r1 = request(one, 1);
            Object r2 = request(two, 2);
            assertNotSame(r1.getClass(), r2.getClass());
            assertEquals(41, HookTable.enter(id, r1, null));
            assertEquals(42, HookTable.enter(id, r2, null));
            assertEquals(41, HookTable.enter(id, request(one, 1), null));
            assertEquals(List.of("enter 1 null", "enter 2 null", "enter 1 null"), Calls.SEEN);
            assertSame(one, Calls.HOOK_LOADERS.get(0).getParent());
            assertSame(two, Calls.HOOK_LOADERS.get(1).getParent());
            assertSame(Calls.HOOK_LOADERS.get(0), Calls.HOOK_LOADERS.get(2), "one hook class per copy, linked once");
        }
    }

    @Test
    void anUndeployedApplicationsLoaderIsNotKeptAlive() throws Throwable {
        int id = HookTable.define(HOOK, API, HookTable.FROM_A);
        WeakReference<ClassLoader> gone = useAndDrop(id);
        Calls.clear();
        await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return gone.get() == null;
        });
    }

    private static WeakReference<ClassLoader> useAndDrop(int id) throws Throwable {
        URLClassLoader app = new ApiCopy();
        assertEquals(49, HookTable.enter(id, request(app, 9), null));
        app.close();
        return new WeakReference<>(app);
    }

    private static Object request(ClassLoader loader, int id) throws Exception {
        return loader.loadClass(PlainRequest.class.getName()).getConstructor(int.class).newInstance(id);
    }

    /** Loads the fixture API package itself (child first), from the test classes: a webapp's own copy. */
    private static final class ApiCopy extends URLClassLoader {
        ApiCopy() {
            super(new URL[] {PlainRequest.class.getProtectionDomain().getCodeSource().getLocation()},
                    HookTableTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.dsdagent.fixture.hookapi.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }
    }
}
