package io.dsdagent.agent.instrument;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The constant-pool prefilter: it must find every class that mentions a trigger (a class it misses is
 * never woven), whatever the entries' lengths and first bytes, and reject the rest.
 */
class ClassFileScanTest {
    private static byte[] classWith(String... utf8) {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "x/Scanned", null, "java/lang/Object", null);
        for (String s : utf8) {
            w.newUTF8(s);
        }
        w.visitEnd();
        return w.toByteArray();
    }

    private static byte[][] bytes(String... s) {
        byte[][] b = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            b[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    @Test
    void findsServletEntryDescriptorsAndAnnotationsAndRejectsAClassNamingNone() {
        byte[][] wanted = bytes("Lio/dsdagent/annotation/Timed;", "()Ljakarta/servlet/AsyncContext;");
        byte[][] prefixes = bytes("(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;");
        assertTrue(ClassFileScan.mentionsAny(classWith("Lio/dsdagent/annotation/Timed;"), wanted, prefixes));
        assertTrue(ClassFileScan.mentionsAny(classWith("service",
                "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;Ljakarta/servlet/FilterChain;)V"),
                wanted, prefixes));
        assertFalse(ClassFileScan.mentionsAny(classWith("Lio/dsdagent/annotation/Timed", "Lio/dsdagent/annotation/Timed;x",
                "(Ljakarta/servlet/ServletRequest;)V", "()Ljakarta/servlet/AsyncContext", "run", "(I)V"), wanted, prefixes));
    }

    @Test
    void declaresMethodReadsTheMethodTableNotTheCallsInTheConstantPool() throws Exception {
        byte[] name = "loadClass".getBytes(StandardCharsets.UTF_8);
        byte[][] descs = bytes("(Ljava/lang/String;)Ljava/lang/Class;", "(Ljava/lang/String;Z)Ljava/lang/Class;");
        // each answer against reflection's, over classes with fields, constants, code and many attributes
        Class<?>[] classes = {ClassLoader.class, java.net.URLClassLoader.class, java.security.SecureClassLoader.class,
            Class.class, String.class, java.util.HashMap.class, java.lang.invoke.MethodHandles.class,
            ClassFileScanTest.class, Loader.class, Caller.class};
        for (Class<?> c : classes) {
            boolean declared = false;
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                declared |= m.getName().equals("loadClass") && m.getReturnType() == Class.class
                        && (m.getParameterCount() == 1 || m.getParameterCount() == 2 && m.getParameterTypes()[1] == boolean.class)
                        && m.getParameterTypes()[0] == String.class;
            }
            byte[] b = Resources.classFile(c.getClassLoader(), c.getName().replace('.', '/'));
            assertEquals(declared, ClassFileScan.declaresMethod(b, name, descs), c.getName());
        }
        byte[] caller = Resources.classFile(Caller.class.getClassLoader(), Caller.class.getName().replace('.', '/'));
        assertTrue(ClassFileScan.mentionsAny(caller, new byte[][] {name}, bytes()), "the call names it");
        byte[] cut = java.util.Arrays.copyOf(caller, caller.length / 2);
        assertTrue(ClassFileScan.declaresMethod(cut, name, descs), "bytes it cannot read: the rewrite decides");
    }

    private static final String FILTER = "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;";
    private static final String DO_FILTER = FILTER + "Ljakarta/servlet/FilterChain;)V";

    /**
     * A class {@code x/Shared} with a long constant field, a double constant and a method {@code other()I},
     * then {@code name desc} with {@code access} (code unless abstract or native), whose code calls
     * {@code owner.callee calleeDesc} (an interface method) when {@code callee} is not null; {@code extra}
     * are more text entries in its pool. Shared with {@code SharedScanTest}.
     */
    static byte[] classDeclaring(int classAccess, int access, String name, String desc, String owner, String callee,
                                 String calleeDesc, String... extra) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V1_8, classAccess, "x/Shared", null, "java/lang/Object", null);
        w.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "L", "J", null, 42L).visitEnd();
        w.newConst(1.5d); // a Double before the method table's entries
        for (String s : extra) {
            w.newUTF8(s);
        }
        String[][] methods = {{"other", "()I"}, {name, desc}};
        for (int i = 0; i < methods.length; i++) {
            int acc = i == 0 ? Opcodes.ACC_PUBLIC : access;
            org.objectweb.asm.MethodVisitor m = w.visitMethod(acc, methods[i][0], methods[i][1], null, null);
            if ((acc & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                m.visitCode();
                if (i == 1 && callee != null) {
                    for (int arg = 0; arg < org.objectweb.asm.Type.getArgumentTypes(calleeDesc).length + 1; arg++) {
                        m.visitInsn(Opcodes.ACONST_NULL);
                    }
                    m.visitMethodInsn(Opcodes.INVOKEINTERFACE, owner, callee, calleeDesc, true);
                }
                char ret = methods[i][1].charAt(methods[i][1].indexOf(')') + 1);
                if (ret == 'V') {
                    m.visitInsn(Opcodes.RETURN);
                } else if (ret == 'I') {
                    m.visitInsn(Opcodes.ICONST_0);
                    m.visitInsn(Opcodes.IRETURN);
                } else {
                    m.visitInsn(Opcodes.ACONST_NULL);
                    m.visitInsn(Opcodes.ARETURN);
                }
                m.visitMaxs(0, 0);
            }
            m.visitEnd();
        }
        w.visitEnd();
        return w.toByteArray();
    }

    private static byte[] declaring(int classAccess, int access, String name, String desc) {
        return classDeclaring(classAccess, access, name, desc, null, null, null);
    }

    @Test
    void declaresMethodWithCodeCountsDeclaredMethodsWithCodeNotCallsNorAbstractOrNativeOnes() {
        byte[][] exact = bytes("()Ljakarta/servlet/AsyncContext;");
        byte[][] prefixes = bytes(FILTER);
        int pub = Opcodes.ACC_PUBLIC;
        assertTrue(ClassFileScan.declaresMethodWithCode(declaring(pub, pub, "doFilter", DO_FILTER), exact, prefixes),
                "declared with code, by prefix");
        assertTrue(ClassFileScan.declaresMethodWithCode(declaring(pub, pub, "startAsync", "()Ljakarta/servlet/AsyncContext;"),
                exact, prefixes), "declared with code, exact");
        assertFalse(ClassFileScan.declaresMethodWithCode(declaring(pub, pub, "startAsync", "()Ljakarta/servlet/AsyncContextX;"),
                exact, prefixes), "a longer descriptor is not the exact one");
        assertFalse(ClassFileScan.declaresMethodWithCode(declaring(pub | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
                pub | Opcodes.ACC_ABSTRACT, "doFilter", DO_FILTER), exact, prefixes), "an interface's abstract method");
        assertFalse(ClassFileScan.declaresMethodWithCode(declaring(pub, pub | Opcodes.ACC_NATIVE, "doFilter", DO_FILTER),
                exact, prefixes), "a native method");
        byte[] caller = classDeclaring(pub, pub, "doFilterInternal", "(Ljakarta/servlet/FilterChain;)V",
                "jakarta/servlet/FilterChain", "doFilter", FILTER + ")V");
        assertTrue(ClassFileScan.mentionsAny(caller, exact, prefixes), "the call puts the descriptor in its pool");
        assertFalse(ClassFileScan.declaresMethodWithCode(caller, exact, prefixes), "a caller declares none");
        byte[] declared = declaring(pub, pub, "doFilter", DO_FILTER);
        assertTrue(ClassFileScan.declaresMethodWithCode(java.util.Arrays.copyOf(declared, declared.length - 12), exact,
                prefixes), "bytes it cannot read: the weaver decides");
        assertTrue(ClassFileScan.declaresMethodWithCode(new byte[] {1, 2, 3}, exact, prefixes), "not a class file");
    }

    @Test
    void declaresMethodWithCodeAgreesWithReflectionOnJdkClasses() {
        String[] descs = {"(Ljava/lang/String;)Ljava/lang/Class;", "(Ljava/lang/Object;)Z", "()Ljava/lang/String;",
            "(I)Ljava/lang/Object;", "()I"};
        Class<?>[] classes = {ClassLoader.class, java.net.URLClassLoader.class, Class.class, String.class, Object.class,
            java.util.HashMap.class, java.util.AbstractList.class, java.util.List.class, Runnable.class, Thread.class,
            java.lang.invoke.MethodHandles.class, Integer.class, java.util.concurrent.ConcurrentHashMap.class};
        for (Class<?> c : classes) {
            byte[] b = Resources.classFile(c.getClassLoader(), c.getName().replace('.', '/'));
            for (String d : descs) {
                boolean expected = false;
                for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                    expected |= org.objectweb.asm.Type.getMethodDescriptor(m).equals(d)
                            && !java.lang.reflect.Modifier.isAbstract(m.getModifiers())
                            && !java.lang.reflect.Modifier.isNative(m.getModifiers());
                }
                assertEquals(expected, ClassFileScan.declaresMethodWithCode(b, bytes(d), bytes()), c.getName() + " " + d);
                String prefix = d.substring(0, d.indexOf(')'));
                if (prefix.length() == 1) {
                    continue; // "(" alone: every method, static initializers too, which reflection does not list
                }
                boolean expectedPrefix = false;
                for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                    expectedPrefix |= org.objectweb.asm.Type.getMethodDescriptor(m).startsWith(prefix)
                            && !java.lang.reflect.Modifier.isAbstract(m.getModifiers())
                            && !java.lang.reflect.Modifier.isNative(m.getModifiers());
                }
                // constructors are in the method table too, and have code: a prefix that matches one counts
                boolean ctor = false;
                for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
                    ctor |= org.objectweb.asm.Type.getConstructorDescriptor(k).startsWith(prefix);
                }
                assertEquals(expectedPrefix || ctor, ClassFileScan.declaresMethodWithCode(b, bytes(), bytes(prefix)),
                        c.getName() + " " + prefix);
            }
        }
    }

    static final class Loader extends ClassLoader {
        static final long CONSTANT = 42L;

        @Override
        protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
            return super.loadClass(n, resolve);
        }
    }

    static final class Caller {
        static final String CONSTANT = "x";
        private final int field = 1;

        Class<?> call(ClassLoader l) throws ClassNotFoundException {
            return l.loadClass("java.lang.String");
        }
    }

    @Test
    void shortEmptyAndNonAsciiTriggersStillMatch() {
        assertTrue(ClassFileScan.mentionsAny(classWith("run"), bytes("run"), bytes()));
        assertTrue(ClassFileScan.mentionsAny(classWith("anything"), bytes(), bytes("")));
        assertTrue(ClassFileScan.mentionsAny(classWith("\u00e9t\u00e9"), bytes("\u00e9t\u00e9"), bytes()));
        assertFalse(ClassFileScan.mentionsAny(classWith("\u00e9t\u00e0"), bytes("\u00e9t\u00e9"), bytes()));
    }

    @Test
    void wantedStringsOfEveryLengthMatchAroundTheLengthFilterBoundaries() {
        int[] lengths = {1, 62, 63, 64, 65, 126, 127, 128, 129, 300};
        for (int len : lengths) {
            String w = "L" + "x".repeat(len - 1);
            String near = w.substring(0, len - 1) + "y"; // same length, another last byte
            for (int other : lengths) { // beside a wanted string of another length, which never matches here
                byte[][] wanted = bytes("Q" + "z".repeat(other - 1), w);
                assertTrue(ClassFileScan.mentionsAny(classWith("a", w), wanted, bytes()), len + " beside " + other);
                assertFalse(ClassFileScan.mentionsAny(classWith("a", near), wanted, bytes()), len + " beside " + other);
                assertEquals(ClassFileScan.SECOND, ClassFileScan.mentions(classWith(w), bytes("Q" + "z".repeat(other - 1)),
                        wanted, bytes()) & ClassFileScan.SECOND, "the second question: " + len);
                assertEquals(ClassFileScan.FIRST, ClassFileScan.mentions(classWith(w), wanted, bytes(), bytes()),
                        "the first question: " + len);
            }
            assertTrue(ClassFileScan.mentionsAny(classWith(w + "tail"), bytes(), bytes(w)), "a prefix of " + len);
            assertFalse(ClassFileScan.mentionsAny(classWith(near + "tail"), bytes(), bytes(w)));
        }
    }

    @Test
    void aPrefixShorterThanTheLengthFilterMatchesEntriesOfEveryLengthFromItsOwn() {
        for (int plen : new int[] {1, 30, 60, 62, 63, 64, 65, 100}) {
            String prefix = "(" + "p".repeat(plen - 1);
            String other = prefix.substring(0, plen - 1) + "q"; // its last byte changed
            for (int elen = plen; elen <= Math.max(plen, 64) + 66; elen++) {
                String tail = "t".repeat(elen - plen);
                assertTrue(ClassFileScan.mentionsAny(classWith("a", prefix + tail), bytes(), bytes(prefix)), plen + "/" + elen);
                assertFalse(ClassFileScan.mentionsAny(classWith("a", other + tail), bytes(), bytes(prefix)), plen + "/" + elen);
            }
            if (plen > 1) {
                assertFalse(ClassFileScan.mentionsAny(classWith("a", prefix.substring(0, plen - 1)), bytes(), bytes(prefix)),
                        "shorter than the prefix: " + plen);
            }
        }
    }

    @Test
    void longAndDoubleConstantsTakeTwoSlotsSoTheEntriesAfterThemAreRead() {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "x/Scanned", null, "java/lang/Object", null);
        for (int i = 0; i < 5; i++) {
            w.newConst((long) i << 40);
            w.newConst(i + 0.5d);
            w.newConst(i + 7);
        }
        w.newUTF8("Lio/dsdagent/annotation/Timed;"); // the pool's last entry
        w.visitEnd();
        byte[] c = w.toByteArray();
        assertTrue(ClassFileScan.mentionsAny(c, bytes("Lio/dsdagent/annotation/Timed;"), bytes()));
        assertFalse(ClassFileScan.mentionsAny(c, bytes("Lio/dsdagent/annotation/Counted;"), bytes()));
        ClassFileScan.Query q = new ClassFileScan.Query(bytes("loadClass"), bytes("Lio/dsdagent/annotation/Timed;"), bytes());
        assertEquals(ClassFileScan.SECOND, q.mentions(c));
        assertEquals(ClassFileScan.FIRST | ClassFileScan.SECOND, q.mentions(classWith("loadClass", "Lio/dsdagent/annotation/Timed;")),
                "a prepared query asked of one class after another");
        assertEquals(0, q.mentions(classWith("run")));
    }

    @Test
    void bytesThatAreNoClassFileOrAreCutShortPassToTheWeaver() {
        byte[][] wanted = bytes("Lio/dsdagent/annotation/Timed;");
        assertTrue(ClassFileScan.mentionsAny(new byte[] {1, 2, 3}, wanted, bytes()));
        byte[] whole = classWith("some/long/enough/Name/That/Is/Cut");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertTrue(ClassFileScan.mentionsAny(cut, wanted, bytes()));
    }

    @Test
    void agreesWithComparingEveryEntryOnRandomEntriesAndTriggers() {
        SplittableRandom rnd = new SplittableRandom(18);
        String alphabet = "(L;/ab\u00e9";
        for (int round = 0; round < 3000; round++) {
            List<String> entries = new ArrayList<>(List.of("x/Scanned", "java/lang/Object"));
            for (int i = rnd.nextInt(12); i > 0; i--) {
                entries.add(random(rnd, alphabet, rnd.nextInt(9)));
            }
            String[] wanted = new String[rnd.nextInt(4)];
            String[] prefixes = new String[rnd.nextInt(3)];
            for (int i = 0; i < wanted.length; i++) {
                wanted[i] = random(rnd, alphabet, 1 + rnd.nextInt(5));
            }
            for (int i = 0; i < prefixes.length; i++) {
                prefixes[i] = random(rnd, alphabet, rnd.nextInt(4));
            }
            boolean expected = false;
            for (String e : entries) {
                for (String w : wanted) {
                    expected |= e.equals(w);
                }
                for (String w : prefixes) {
                    expected |= e.getBytes(StandardCharsets.UTF_8).length >= w.getBytes(StandardCharsets.UTF_8).length
                            && e.startsWith(w);
                }
            }
            byte[] classFile = classWith(entries.subList(2, entries.size()).toArray(new String[0]));
            assertEquals(expected, ClassFileScan.mentionsAny(classFile, bytes(wanted), bytes(prefixes)),
                    () -> "entries " + entries + ", wanted " + List.of(wanted) + ", prefixes " + List.of(prefixes));
        }
    }

    private static String random(SplittableRandom rnd, String alphabet, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void oneWalkAnswersBothQuestionsAsTwoWalksWould() {
        byte[][] name = bytes("loadClass");
        byte[][] wanted = bytes("Lio/dsdagent/annotation/Timed;");
        byte[][] prefixes = bytes("(Ljakarta/servlet/ServletRequest;");
        String[][] pools = {
            {"run"},
            {"loadClass"},
            {"Lio/dsdagent/annotation/Timed;"},
            {"(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;)V", "x"},
            {"Lio/dsdagent/annotation/Timed;", "loadClass"}, // the second question found first: both still answered
            {"loadClass", "(Ljakarta/servlet/ServletRequest;)V"},
            {"loadClas", "Lio/dsdagent/annotation/Timed"},
        };
        for (String[] pool : pools) {
            byte[] c = classWith(pool);
            int both = ClassFileScan.mentions(c, name, wanted, prefixes);
            String what = String.join(",", pool);
            assertEquals(ClassFileScan.mentionsAny(c, name, new byte[0][]), (both & ClassFileScan.FIRST) != 0, what);
            assertEquals(ClassFileScan.mentionsAny(c, wanted, prefixes), (both & ClassFileScan.SECOND) != 0, what);
        }
        assertEquals(ClassFileScan.FIRST | ClassFileScan.SECOND, ClassFileScan.mentions(new byte[] {1, 2}, name, wanted, prefixes),
                "bytes that do not parse: both, as mentionsAny");
    }
    @Test
    void theProfileSampleAnswersEveryQuestionItsQueryAsks() {
        byte[][] none = new byte[0][];
        byte[][] name = bytes("loadClass");
        byte[][] wanted = bytes("Lio/dsdagent/annotation/Timed;", "()Ljakarta/servlet/AsyncContext;", "x");
        byte[][] prefixes = bytes(FILTER, "(Ljavax/servlet/ServletRequest;Ljavax/servlet/ServletResponse;", "");
        ClassFileScan.Query[] queries = {
            new ClassFileScan.Query(name, wanted, prefixes),
            new ClassFileScan.Query(none, wanted, prefixes),
            new ClassFileScan.Query(name, none, none),
            new ClassFileScan.Query(none, none, bytes(FILTER)),
            new ClassFileScan.Query(none, bytes("(Ljava/lang/String;Z)Ljava/lang/Class;"), none),
        };
        int[] asked = {ClassFileScan.FIRST | ClassFileScan.SECOND, ClassFileScan.SECOND, ClassFileScan.FIRST,
            ClassFileScan.SECOND, ClassFileScan.SECOND};
        for (int i = 0; i < queries.length; i++) {
            assertEquals(asked[i], queries[i].mentions(queries[i].sample()), "query " + i);
        }
        // the sample's near misses, filler and other entries answer nothing: only its own entries do
        ClassFileScan.Query real = new ClassFileScan.Query(name, bytes("Lio/dsdagent/annotation/Timed;"), bytes(FILTER));
        assertEquals(0, real.mentions(ClassFileScan.sample(bytes("loadClasz"), bytes("Lio/dsdagent/annotation/Timex;"), none)));
        assertEquals(0, real.mentions(ClassFileScan.sample(none, none, none)));
    }

    @Test
    void aClassFileWhoseLengthTakesTheProfileSampleStillGetsItsOwnAnswer() {
        byte[][] name = bytes("loadClass");
        byte[][] wanted = bytes("Lio/dsdagent/annotation/Timed;");
        byte[][] prefixes = bytes(FILTER);
        ClassFileScan.Query q = new ClassFileScan.Query(name, wanted, prefixes);
        String[][] pools = {{"run"}, {"loadClass"}, {"Lio/dsdagent/annotation/Timed;"}, {FILTER + ")V"}, {}};
        int[] expected = {0, ClassFileScan.FIRST, ClassFileScan.SECOND, ClassFileScan.SECOND, 0};
        for (int i = 0; i < pools.length; i++) {
            byte[] c = null;
            for (int pad = 1; c == null || c.length % ClassFileScan.SAMPLE_EVERY != 0; pad++) { // one byte longer each time
                List<String> pool = new ArrayList<>(List.of(pools[i]));
                pool.add("p".repeat(pad));
                c = classWith(pool.toArray(new String[0]));
            }
            assertEquals(0, c.length % ClassFileScan.SAMPLE_EVERY);
            assertEquals(expected[i], q.mentions(c), String.join(",", pools[i]));
        }
    }
}
