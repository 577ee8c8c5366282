package io.dsdagent.agent.instrument.annotation;

import io.dsdagent.agent.config.TimedMethodsSetting;
import io.dsdagent.agent.instrument.Instrumenter;
import io.dsdagent.agent.instrument.TestBridge;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.bootstrap.Sink;
import io.dsdagent.agent.log.Log;
import io.dsdagent.fixture.methods.Defaults;
import io.dsdagent.fixture.methods.Holding;
import io.dsdagent.fixture.methods.Listed;
import io.dsdagent.fixture.methods.ListedAll;
import io.dsdagent.fixture.methods.LoadedEarly;
import io.dsdagent.fixture.methods.Micrometered;
import io.dsdagent.fixture.methods.Service;
import io.dsdagent.fixture.methods.TypeLevel;
import io.dsdagent.agent.instrument.Weaver;
import io.dsdagent.agent.testing.Allocations;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The methods module installed into this JVM (byte-buddy-agent gives the test its Instrumentation) with
 * the agent's own transformer and weaver;
 * fixtures live in {@code io.dsdagent.fixture.methods} and are loaded after installation, except
 * {@link LoadedEarly}, which is retransformed as on late attach.
 */
class MethodsModuleTest {
    private static final String SVC = "class:" + Service.class.getName();
    private static Telemetry telemetry;
    private static Registry registry;
    private static MethodTable table;
    private static Recorded rec;
    private static java.lang.instrument.ClassFileTransformer transformer;
    private static Instrumentation inst;

    @BeforeAll
    static void install() {
        new LoadedEarly(); // loaded before the agent
        telemetry = new Telemetry();
        registry = new Registry(10_000, 4, List.of(), telemetry);
        Recorder recorder = new Recorder(registry, telemetry, 4, 1 << 16);
        table = new MethodTable(registry, recorder, telemetry);
        rec = new Recorded(registry, recorder);
        TestBridge.set(new TableSink(table, telemetry));
        MethodRules rules = new MethodRules(true, true,
                TimedMethodsSetting.parse(Listed.class.getName() + "[alpha];" + ListedAll.class.getName() + "[*]"),
                Registry.TIMER);
        inst = ByteBuddyAgent.install();
        List<String> triggers = new java.util.ArrayList<>(List.of(rules.annotationDescriptors()));
        triggers.add("class:" + Listed.class.getName().replace('.', '/'));
        triggers.add("class:" + ListedAll.class.getName().replace('.', '/'));
        transformer = Instrumenter.transformer(triggers, new Weaver(List.of(MethodsModule.matcher(rules, table))));
        inst.addTransformer(transformer, true);
        Instrumenter.retransformLoaded(inst, (io.dsdagent.agent.instrument.WeavingTransformer) transformer); // as on late attach
    }

    @AfterAll
    static void uninstall() {
        assertEquals(0, telemetry.adviceErrors(), "advice errors");
        inst.removeTransformer(transformer);
        TestBridge.set(null);
    }

    private static String[] tags(String method, String... more) {
        String[] t = new String[more.length + 2];
        t[0] = SVC;
        t[1] = "method:" + method;
        System.arraycopy(more, 0, t, 2, more.length);
        return t;
    }

    @Test
    void timesEachCallAsTimerTaggedClassMethodExceptionNone() {
        Service s = new Service();
        long[] around = new long[3];
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            assertEquals("a!", s.plain("a"));
            around[i] = System.nanoTime() - t0;
        }
        List<Long> v = rec.values("method.timed", tags("plain", "exception:none"));
        assertEquals(3, v.size());
        for (int i = 0; i < 3; i++) {
            long n = v.get(i);
            // the woven timing lies inside the caller's: nanoseconds of this call, not of anything else
            assertTrue(n >= 0 && n <= around[i], "call " + i + ": " + n + " ns timed, " + around[i] + " ns around it");
        }
        ContextInfo ci = rec.context("method.timed", tags("plain", "exception:none"));
        assertEquals(Registry.TIMER, ci.type);
        assertTrue(ci.nanos, "timer values are nanoseconds sent as milliseconds");
    }

    @Test
    void customNameTagsAndHistogramType() {
        assertEquals(5L, new Service().custom(2, 3.9));
        ContextInfo ci = rec.context("svc.custom", tags("custom", "exception:none", "team:core", "tier:1"));
        assertNotNull(ci, rec.contextsTagged("method:custom").toString());
        assertEquals(Registry.HISTOGRAM, ci.type);
        assertTrue(ci.nanos);
        assertEquals(1, rec.values("svc.custom", tags("custom", "exception:none", "team:core", "tier:1")).size());
        new Service().distribution();
        assertEquals(Registry.DISTRIBUTION, rec.context("method.timed", tags("distribution", "exception:none")).type);
    }

    @Test
    void thrownExceptionIsTaggedAndRethrownUntouched() {
        IllegalStateException e = new IllegalStateException("boom");
        Service s = new Service();
        assertSame(e, assertThrows(IllegalStateException.class, () -> s.throwsGiven(e)));
        assertSame(e, assertThrows(IllegalStateException.class, () -> s.throwsGiven(e)));
        assertEquals(2, rec.values("method.timed", tags("throwsGiven", "exception:IllegalStateException")).size());
        assertEquals(0, rec.values("method.timed", tags("throwsGiven", "exception:none")).size());
    }

    @Test
    void recursionTimesEveryCall() {
        assertEquals(5, new Service().fib(5));
        assertEquals(15, rec.values("method.timed", tags("fib", "exception:none")).size());
    }

    @Test
    void staticPrivateFinalSynchronizedAndBranchyMethodsWork() {
        Service s = new Service();
        assertEquals(8, Service.staticMethod(4));
        assertEquals(4, s.callsPrivate(3));
        assertEquals(3, s.finalSynchronized(2));
        assertEquals(-1, s.tryCatchSwitch(0));
        assertEquals(10, s.tryCatchSwitch(1));
        assertEquals(6, s.tryCatchSwitch(2));
        assertEquals(1, rec.values("method.timed", tags("staticMethod", "exception:none")).size());
        assertEquals(1, rec.values("method.timed", tags("privateMethod", "exception:none")).size());
        assertEquals(1, rec.values("method.timed", tags("finalSynchronized", "exception:none")).size());
        assertEquals(3, rec.values("method.timed", tags("tryCatchSwitch", "exception:none")).size());
        assertEquals(List.of(), rec.contextsTagged("method:callsPrivate"));
    }

    @Test
    void defaultInterfaceMethodTimedAbstractSkipped() {
        Defaults d = new Defaults.Impl();
        assertEquals(7, d.defaultMethod());
        assertEquals(8, d.abstractMethod());
        String cls = "class:" + Defaults.class.getName();
        assertEquals(1, rec.values("method.timed", cls, "method:defaultMethod", "exception:none").size());
        assertEquals(List.of(), rec.contextsTagged("method:abstractMethod"));
    }

    @Test
    void countedTagsResultAndException() {
        Service s = new Service();
        s.counted(false);
        s.counted(false);
        assertThrows(IllegalArgumentException.class, () -> s.counted(true));
        assertEquals(2, rec.count("method.counted", tags("counted", "result:success", "exception:none")));
        assertEquals(1, rec.count("method.counted", tags("counted", "result:failure", "exception:IllegalArgumentException")));
        assertEquals(List.of(), rec.contextsTagged("method:counted").stream().filter(c -> c.startsWith("method.timed")).toList());
    }

    @Test
    void recordFailuresOnlyCountsOnlyFailures() {
        Service s = new Service();
        s.failuresOnly(false);
        assertThrows(UnsupportedOperationException.class, () -> s.failuresOnly(true));
        assertEquals(1, rec.count("svc.failures", tags("failuresOnly", "kind:x", "result:failure",
                "exception:UnsupportedOperationException")));
        assertNull(rec.context("svc.failures", tags("failuresOnly", "kind:x", "result:success", "exception:none")));
    }

    @Test
    void timedAndCountedOnOneMethodRecordBoth() {
        new Service().both();
        assertEquals(1, rec.values("svc.both", tags("both", "exception:none")).size());
        assertEquals(1, rec.count("svc.both.count", tags("both", "result:success", "exception:none")));
    }

    @Test
    void typeLevelAppliesToPublicInstanceMethodsAsAProxySeesThemAndOwnAnnotationsToAnyVisibility() {
        String cls = "class:" + TypeLevel.class.getName();
        TypeLevel t = new TypeLevel();
        t.one();
        t.own();
        @SuppressWarnings({"unchecked", "rawtypes"})
        int c = ((Comparable) t).compareTo(t); // through the synthetic bridge: still one call
        assertEquals(0, c);
        t.lambda().run();
        assertEquals(15, t.callsHidden());
        assertEquals(2, TypeLevel.two());
        assertEquals("TypeLevel", t.toString());
        assertEquals(7, t.hashCode());
        assertTrue(t.equals(t));
        assertEquals(1, rec.values("type.level", cls, "method:one", "exception:none", "layer:repo").size());
        assertEquals(1, rec.values("type.level", cls, "method:compareTo", "exception:none", "layer:repo").size());
        assertEquals(1, rec.values("type.level", cls, "method:lambda", "exception:none", "layer:repo").size());
        assertEquals(1, rec.values("type.level", cls, "method:callsHidden", "exception:none", "layer:repo").size());
        assertEquals(1, rec.values("type.own", cls, "method:own", "exception:none").size());
        assertEquals(1, rec.values("type.private", cls, "method:hiddenOwn", "exception:none").size());
        assertNull(rec.context("type.level", cls, "method:own", "exception:none", "layer:repo"));
        // contexts are resolved at transform time: nothing for static, private, package-private, Object methods
        assertEquals(List.of("one", "own", "compareTo", "lambda", "callsHidden", "hiddenOwn"),
                rec.contextsTagged(cls).stream().map(x -> x.replaceAll(".*method:(\\w+).*", "$1")).toList());
    }

    @Test
    void typeLevelOnAnEnumLeavesValuesAndValueOfOut() {
        String cls = "class:" + TypeLevel.Level.class.getName();
        assertEquals(TypeLevel.Level.HIGH, TypeLevel.Level.LOW.next());
        assertEquals(2, TypeLevel.Level.values().length);
        assertEquals(TypeLevel.Level.LOW, TypeLevel.Level.valueOf("LOW"));
        assertEquals(1, rec.values("type.enum", cls, "method:next", "exception:none").size());
        assertEquals(1, rec.contextsTagged(cls).size(), rec.contextsTagged(cls).toString());
    }

    @Test
    void typeLevelOnAKotlinDataClassLeavesItsGeneratedMethodsOut() throws Exception {
        Class<?> point = Class.forName("io.dsdagent.fixture.kotlin.Point");
        Object p = point.getConstructor(int.class, int.class).newInstance(1, 2);
        assertEquals(3, point.getMethod("sum").invoke(p));
        assertEquals(1, point.getMethod("getX").invoke(p));
        assertEquals(1, point.getMethod("component1").invoke(p));
        Object q = point.getMethod("copy", int.class, int.class).invoke(p, 1, 2);
        assertEquals(p, q);
        assertEquals(p.hashCode(), q.hashCode());
        assertEquals("Point(x=1, y=2)", p.toString());
        String cls = "class:" + point.getName();
        assertEquals(1, rec.values("kotlin.data", cls, "method:sum", "exception:none").size());
        assertEquals(1, rec.values("kotlin.data", cls, "method:getX", "exception:none").size());
        assertEquals(List.of("getX", "getY", "sum"), rec.contextsTagged(cls).stream()
                .map(x -> x.replaceAll(".*method:(\\w+).*", "$1")).sorted().toList());
    }

    @Test
    void kotlinSuspendFunctionIsLeftOutWithOneLineAndAPlainKotlinFunctionIsTimed() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        Class<?> k;
        try {
            k = Class.forName("io.dsdagent.fixture.kotlin.Suspending"); // woven as it loads
        } finally {
            Log.setOut(System.err);
        }
        Object s = k.getConstructor().newInstance();
        assertEquals(8, k.getMethod("run", int.class).invoke(s, 7), "runBlocking { twoDelays(7) }: suspends twice");
        assertEquals(14, k.getMethod("plain", int.class).invoke(s, 7));
        String cls = "class:" + k.getName();
        assertEquals(1, rec.values("kotlin.plain", cls, "method:plain", "exception:none").size());
        assertEquals(List.of(), rec.contextsTagged("method:twoDelays"));
        assertEquals("[dsd-agent] WARN not measuring io.dsdagent.fixture.kotlin.Suspending.twoDelays: a Kotlin"
                + " suspend function is entered again on every resumption, so one call would count as several;"
                + " measure a caller that waits for it, or return a CompletableFuture (timed until it completes)",
                log.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void jdkClassesInTimedMethodsAreNamedInOneLine() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertEquals(List.of("java.lang.Thread", "java.util.concurrent.CountDownLatch"),
                    MethodsModule.warnAboutJdkClasses(TimedMethodsSetting.parse(
                            "java.util.concurrent.CountDownLatch[await];com.acme.Foo[bar];java.lang.Thread[join]").keySet()));
            assertEquals(List.of(), MethodsModule.warnAboutJdkClasses(List.of("com.acme.Foo", "javax.Foo")));
        } finally {
            Log.setOut(System.err);
        }
        assertEquals("[dsd-agent] WARN DSD_AGENT_TIMED_METHODS names JDK classes, which the agent does not"
                + " instrument: [java.lang.Thread, java.util.concurrent.CountDownLatch]; they are ignored",
                log.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void retransformingWhileAWovenMethodIsOnTheStackRecordsThatCallOnce() throws Exception {
        Holding h = new Holding();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> held = pool.submit(() -> h.hold(entered, release));
            entered.await();
            inst.retransformClasses(Holding.class); // the old version stays on the other thread's stack
            release.countDown();
            assertEquals(42, held.get());
        } finally {
            pool.shutdown();
        }
        String cls = "class:" + Holding.class.getName();
        assertEquals(1, rec.values("held", cls, "method:hold", "exception:none").size());
        assertEquals(42, h.hold(new CountDownLatch(1), new CountDownLatch(0)));
        assertEquals(2, rec.values("held", cls, "method:hold", "exception:none").size());
    }

    @Test
    void micrometerAnnotationsHonouredByNameWithTheirAttributes() {
        String cls = "class:" + Micrometered.class.getName();
        Micrometered m = new Micrometered();
        m.unnamed();
        m.named();
        m.longTask();
        m.failing(false);
        assertThrows(IllegalStateException.class, () -> m.failing(true));
        m.both();
        assertEquals(1, rec.values("method.timed", cls, "method:unnamed", "exception:none").size());
        assertEquals(Registry.TIMER, rec.context("method.timed", cls, "method:unnamed", "exception:none").type);
        ContextInfo named = rec.context("mm.timed", cls, "method:named", "exception:none", "region:eu");
        assertNotNull(named, rec.contextsTagged(cls).toString());
        assertEquals(Registry.DISTRIBUTION, named.type, "histogram = true is sent as a distribution");
        assertEquals(List.of(), rec.contextsTagged("method:longTask"));
        assertEquals(1, rec.count("mm.counted", cls, "method:failing", "k:v", "result:failure",
                "exception:IllegalStateException"));
        assertNull(rec.context("mm.counted", cls, "method:failing", "k:v", "result:success", "exception:none"));
        assertEquals(1, rec.values("ours.win", cls, "method:both", "exception:none").size());
        assertNull(rec.context("mm.loser", cls, "method:both", "exception:none"));
    }

    @Test
    void timedMethodsSettingTimesListedMethodsOnly() {
        assertEquals(1, new Listed().alpha());
        assertEquals(2, new Listed().beta());
        assertEquals(3, new ListedAll().gamma());
        String l = "class:" + Listed.class.getName();
        String la = "class:" + ListedAll.class.getName();
        assertEquals(1, rec.values("method.timed", l, "method:alpha", "exception:none").size());
        assertEquals(List.of(), rec.contextsTagged("method:beta"));
        assertEquals(1, rec.values("method.timed", la, "method:gamma", "exception:none").size());
        assertNotNull(rec.context("method.timed", la, "method:delta", "exception:none"), "static method planned too");
    }

    @Test
    void completableFutureTimedUntilItCompletes() throws Exception {
        Service s = new Service();
        CompletableFuture<String> f = new CompletableFuture<>();
        assertSame(f, s.future(f));
        assertEquals(0, rec.values("method.timed", tags("future", "exception:none")).size());
        f.complete("done");
        assertEquals(1, rec.values("method.timed", tags("future", "exception:none")).size());
        assertEquals("done", f.get());

        CompletableFuture<String> g = new CompletableFuture<>();
        s.future(g);
        g.completeExceptionally(new IllegalArgumentException("bad"));
        assertEquals(1, rec.values("method.timed", tags("future", "exception:IllegalArgumentException")).size());

        CompletableFuture<String> h = CompletableFuture.supplyAsync(() -> {
            throw new ArithmeticException();
        });
        s.stage(() -> h);
        assertThrows(Exception.class, h::join);
        // the completion callback may run on the completing thread just after join returns
        org.awaitility.Awaitility.await().until(() -> rec.values("method.timed",
                tags("stage", "exception:ArithmeticException")).size() == 1);
    }

    @Test
    void exceptionTypesAreBoundedPerMethod() {
        Service s = new Service();
        long before = table.otherExceptions();
        for (int i = 0; i <= 10; i++) {
            int k = i;
            assertThrows(Exception.class, () -> s.manyExceptions(k));
        }
        List<String> ctx = rec.contextsTagged("method:manyExceptions");
        assertEquals(MethodTable.MAX_EXCEPTION_TYPES + 2, ctx.size(), ctx.toString()); // 8 + other + none
        assertEquals(3, rec.values("method.timed", tags("manyExceptions", "exception:other")).size());
        assertEquals(1, rec.values("method.timed", tags("manyExceptions", "exception:IndexOutOfBoundsException")).size());
        assertEquals(3, table.otherExceptions() - before);
    }

    @Test
    void classLoadedBeforeInstallIsRetransformed() {
        assertEquals(5, new LoadedEarly().early());
        assertEquals(1, rec.values("method.timed", "class:" + LoadedEarly.class.getName(), "method:early",
                "exception:none").size());
    }

    @Test
    void concurrentCallsAreCountedExactly() throws Exception {
        Service s = new Service();
        int threads = 8;
        int calls = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        s.both();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // the earlier test's call may or may not have run first: count what this test added
        long counted = rec.count("svc.both.count", tags("both", "result:success", "exception:none"));
        assertTrue(counted == threads * calls || counted == threads * calls + 1, "counted " + counted);
    }

    @Test
    void steadyStateRecordsWithoutAllocating() {
        Service s = new Service();
        IllegalStateException e = new IllegalStateException();
        for (int i = 0; i < 20_000; i++) { // resolve contexts and let the JIT settle
            s.tryCatchSwitch(2);
            try {
                s.throwsGiven(e);
            } catch (IllegalStateException ignored) {
                // expected
            }
            rec.values("none"); // keep the chunk pool from running dry
        }
        Allocations a = Allocations.measure(5, () -> {
            for (int i = 0; i < 200; i++) {
                s.tryCatchSwitch(2);
                try {
                    s.throwsGiven(e);
                } catch (IllegalStateException ignored) {
                    // expected
                }
            }
        });
        assertEquals(0, a.fewest(), "bytes allocated by 400 instrumented calls, " + a);
    }

    /** The bridge's sink as the agent wires it, reduced to the method entry points. */
    static final class TableSink implements Sink {
        private final MethodTable table;
        private final Telemetry telemetry;

        TableSink(MethodTable table, Telemetry telemetry) {
            this.table = table;
            this.telemetry = telemetry;
        }

        @Override public int register(int type, String name, String[] tags) { return -1; }
        @Override public void count(int id, long delta) { }
        @Override public void gauge(int id, double value) { }
        @Override public void recordNanos(int id, long nanos) { }
        @Override public void record(int id, double value) { }
        @Override public void setAdd(int id, String member) { }
        @Override public void event(String t, String x, long ts, String h, String k, String p, String s, String a,
                                    String[] tags) { }
        @Override public void serviceCheck(String n, int s, long ts, String h, String m, String[] tags) { }
        @Override public void methodTimed(int id, long nanos, Throwable thrown) { table.timed(id, nanos, thrown); }
        @Override public void methodStage(int id, long start, Object r, Throwable t) { table.stage(id, start, r, t); }
        @Override public void httpRequest(long nanos, String m, int status, boolean committed, String route, Throwable t) { }
        @Override public void adviceError(Throwable error) { telemetry.adviceError(); }
    }
}
