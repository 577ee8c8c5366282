package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.BasicVerifier;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The weaver over real code: every method of six libraries from Maven Central (pinned in the agent's
 * pom, copied to {@code target/corpus}) is woven and checked by ASM's analyzers (data flow and stack map
 * frames); kotlin-stdlib is redefined with its woven form on this JDK and on
 * JDK 25, where the JVM's own verifier judges. Plus the edges: a method near 64 KB and JSR/RET subroutines.
 */
class WeaveCorpusTest {
    private static final Path CORPUS = Path.of(System.getProperty("corpus.dir", "target/corpus"));
    private static final List<String> JARS = List.of("kotlin-stdlib-2.1.0.jar", "scala-library-2.13.16.jar",
            "groovy-4.0.24.jar", "tomcat-embed-core-9.0.123.jar", "spring-core-6.2.12.jar",
            "jackson-databind-2.20.1.jar");
    /** One jar's worth for the JVM's own verifier, on two JDKs: the ASM checks above cover the rest. */
    private static final List<String> REDEFINED = List.of("kotlin-stdlib-2.1.0.jar");
    private static Constructor<?> checkFrames;

    @AfterEach
    void restoreLog() {
        Log.setOut(System.err);
    }

    @Test
    void everyMethodOfSixLibrariesIsWovenAndPassesAsmsChecksWithZeroErrors() throws Exception {
        long t0 = System.nanoTime();
        List<String> errors = new ArrayList<>();
        int classes = 0;
        int tooLarge = 0;
        CorpusWeaving corpus = new CorpusWeaving();
        Weaver weaver = corpus.weaver();
        for (String jar : JARS) {
            for (Map.Entry<String, byte[]> f : CorpusWeaving.classFiles(CORPUS.resolve(jar)).entrySet()) {
                byte[] woven;
                try {
                    woven = weaver.weave(null, f.getValue());
                } catch (MethodTooLargeException e) {
                    tooLarge++;
                    continue;
                }
                if (woven == null) {
                    continue;
                }
                classes++;
                String error = check(woven);
                if (error != null && check(f.getValue()) == null) {
                    errors.add(jar + " " + f.getKey() + ": " + error);
                }
            }
        }
        System.out.printf("[corpus] %d classes, %d methods woven and checked in %d ms; %d left unwoven (64 KB)%n",
                classes, corpus.methods, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), tooLarge);
        assertTrue(classes > 10_000, "classes woven: " + classes);
        assertEquals(List.of(), errors.subList(0, Math.min(5, errors.size())), errors.size() + " classes fail");
    }

    /**
     * ASM's data-flow check ({@link BasicVerifier}) of every method and, for class files that must have
     * them (Java 7+), of every stack map frame against it: asm-util's {@code CheckFrameAnalyzer}, which
     * {@link CheckClassAdapter} runs too, called directly because the adapter's other checks cost eight
     * times as much. Null when the class passes.
     */
    private static String check(byte[] classFile) {
        String at = "reading the class file";
        try {
            ClassNode c = new ClassNode();
            new ClassReader(classFile).accept(c, ClassReader.SKIP_DEBUG);
            for (MethodNode m : c.methods) {
                at = m.name + m.desc;
                if (m.instructions.size() > 0) {
                    analyzer(c.version >= Opcodes.V1_7).analyze(c.name, m);
                }
            }
            return null;
        } catch (Throwable t) {
            String msg = String.valueOf(t.getMessage());
            return at + ": " + t.getClass().getSimpleName() + ": " + msg.substring(0, Math.min(500, msg.length()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Analyzer<BasicValue> analyzer(boolean frames) throws ReflectiveOperationException {
        if (!frames) {
            return new Analyzer<>(new BasicVerifier());
        }
        if (checkFrames == null) {
            checkFrames = Class.forName("org.objectweb.asm.util.CheckFrameAnalyzer").getDeclaredConstructor(Interpreter.class);
            checkFrames.setAccessible(true);
        }
        return (Analyzer<BasicValue>) checkFrames.newInstance(new BasicVerifier());
    }

    @Test
    void kotlinStdlibRedefinedWithItsWovenFormVerifiesOnThisJdkAndOnJdk25() throws Exception {
        List<String> jars = new ArrayList<>();
        for (String name : REDEFINED) {
            Path jar = CORPUS.resolve(name);
            jars.add(jar.toString());
            List<String> here = CorpusWeaving.redefine(ByteBuddyAgent.install(), jar);
            System.out.println("[corpus] " + here.get(here.size() - 1));
            assertEquals(List.of(), here.subList(0, here.size() - 1));
            assertTrue(here.get(here.size() - 1).matches("redefined \\d{3,} .*"), here.toString());
        }

        String jdk25 = System.getProperty("it.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
        File java = new File(jdk25, "bin/java");
        if (!java.canExecute()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and no JDK 25 at " + jdk25);
            }
            System.out.println("[corpus] no JDK 25 at " + jdk25 + ": the JDK 25 half is skipped");
            return;
        }
        List<String> command = new ArrayList<>(List.of(java.getPath(), "-XX:+EnableDynamicAgentLoading",
                "-Djdk.attach.allowAttachSelf=true", "-cp", System.getProperty("java.class.path"),
                CorpusWeaving.class.getName()));
        command.addAll(jars);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        System.out.println("[corpus] " + out.trim());
        assertEquals(0, p.exitValue(), out);
        assertEquals(REDEFINED.size(), out.lines().filter(l -> l.contains(" on Java 25 ")).count(), out);
    }

    @Test
    void aMethodNear64KilobytesLeavesItsClassUnwovenWithOneLine() throws Exception {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "weave/Big", null, "java/lang/Object", null);
        MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "big", "(I)I", null, null);
        mv.visitCode();
        for (int i = 0; i < 21_840; i++) {
            mv.visitIincInsn(0, 1); // 3 bytes each: with the return, 65,522 bytes of the 65,535 allowed
        }
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        w.visitEnd();
        byte[] original = w.toByteArray();

        Weaver weaver = new CorpusWeaving().weaver();
        assertThrows(MethodTooLargeException.class, () -> weaver.weave(null, original));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOut(new PrintStream(log, true, StandardCharsets.UTF_8));
        WeavingTransformer t = Instrumenter.transformer(List.of("class:weave/Big"), weaver);
        assertNull(t.transform(getClass().getClassLoader(), "weave/Big", null, null, original), "left as it was");
        assertEquals("[dsd-agent] WARN could not instrument weave.Big: its method big(I)I would pass the JVM's 64 KB"
                + " code limit; the class is left unchanged", log.toString(StandardCharsets.UTF_8).trim());
        Class<?> big = GuardedWeavingTest.define(getClass().getClassLoader(), "weave.Big", original);
        assertEquals(21_841, big.getMethod("big", int.class).invoke(null, 1));
    }

    @Test
    void jsrRetSubroutinesOfOldClassFilesAreWovenAndRun() throws Exception {
        byte[] original = jsrClass();
        InstrumentationModule.Matcher timed = new InstrumentationModule.Matcher() {
            @Override public String[] annotations() { return new String[0]; }
            @Override public boolean examines(ClassInfo c) { return true; }
            @Override public Advice advice(ClassInfo c, MethodInfo m) {
                return m.name.equals("f") ? Advice.timed(1, false) : m.name.equals("g") ? Advice.call(2, true, true, true, 1, -1) : null;
            }
        };
        byte[] woven = new Weaver(List.of(timed), FailingBridge.class.getName().replace('.', '/')).weave(null, original);
        assertNull(check(woven), "ASM's data-flow check");
        new ClassReader(woven).accept(new CheckClassAdapter(new ClassWriter(0), true), 0);
        Class<?> c = GuardedWeavingTest.define(getClass().getClassLoader(), "weave.Jsr", woven);
        FailingBridge.reset(null, new Error("exit fails too"));
        for (String name : List.of("f", "g")) {
            Method m = c.getMethod(name, int.class, int[].class);
            int[] finallyRuns = new int[1];
            assertEquals(1, m.invoke(null, 5, finallyRuns));
            assertEquals(2, m.invoke(null, 0, finallyRuns));
            InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, -1, finallyRuns));
            assertEquals("negative", e.getCause().getMessage());
            assertEquals(3, finallyRuns[0], name + ": the subroutine ran on every path");
        }
        assertEquals(6, FailingBridge.exits);
        assertEquals(3, FailingBridge.enters);
    }

    /**
     * A Java 1.4 class as javac 1.4 compiled {@code try { if (x < 0) throw ..; return x > 0 ? 1 : 2; }
     * finally { runs[0]++; }}: the finally block is a JSR/RET subroutine; {@code f} and {@code g} alike.
     */
    private static byte[] jsrClass() {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "weave/Jsr", null, "java/lang/Object", null);
        for (String name : List.of("f", "g")) {
            MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, "(I[I)I", null, null);
            mv.visitCode();
            Label start = new Label();
            Label end = new Label();
            Label any = new Label();
            Label fin = new Label();
            Label notNegative = new Label();
            Label two = new Label();
            mv.visitTryCatchBlock(start, end, any, null);
            mv.visitLabel(start);
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitJumpInsn(Opcodes.IFGE, notNegative);
            mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
            mv.visitInsn(Opcodes.DUP);
            mv.visitLdcInsn("negative");
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "(Ljava/lang/String;)V", false);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(notNegative);
            mv.visitVarInsn(Opcodes.ILOAD, 0);
            mv.visitJumpInsn(Opcodes.IFLE, two);
            for (int value = 1; value <= 2; value++) { // return 1, then (at label two) return 2
                if (value == 2) {
                    mv.visitLabel(two);
                }
                mv.visitInsn(Opcodes.ICONST_0 + value);
                mv.visitVarInsn(Opcodes.ISTORE, 2);
                mv.visitJumpInsn(Opcodes.JSR, fin);
                mv.visitVarInsn(Opcodes.ILOAD, 2);
                mv.visitInsn(Opcodes.IRETURN);
            }
            mv.visitLabel(end);
            mv.visitLabel(any);
            mv.visitVarInsn(Opcodes.ASTORE, 3);
            mv.visitJumpInsn(Opcodes.JSR, fin);
            mv.visitVarInsn(Opcodes.ALOAD, 3);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(fin);
            mv.visitVarInsn(Opcodes.ASTORE, 4);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitInsn(Opcodes.DUP2);
            mv.visitInsn(Opcodes.IALOAD);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitInsn(Opcodes.IADD);
            mv.visitInsn(Opcodes.IASTORE);
            mv.visitVarInsn(Opcodes.RET, 4);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        w.visitEnd();
        return w.toByteArray();
    }
}
