package io.dsdagent.agent.instrument;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loadClass shortcut's walk answers the weaver's prefilter too: the weaving transformer takes that
 * answer for the very class file the shortcut walked, and walks any other itself.
 */
class SharedScanTest {
    private static final String TRIGGER = "Lio/dsdagent/annotation/Timed;";
    private static final byte[][] NAME = {"loadClass".getBytes(StandardCharsets.UTF_8)};

    private static byte[] classWith(String... utf8) {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "x/Shared", null, "java/lang/Object", null);
        for (String s : utf8) {
            w.newUTF8(s);
        }
        w.visitEnd();
        return w.toByteArray();
    }

    private static WeavingTransformer transformer() {
        return Instrumenter.transformer(Collections.singletonList(TRIGGER), new Weaver(Collections.emptyList()));
    }

    @Test
    void theShortcutsWalkAnswersBothAndTheWeaverTakesItsAnswer() {
        WeavingTransformer t = transformer();
        byte[] c = classWith(TRIGGER, "loadClass");
        assertTrue(t.mentionsSharing(c, t.sharing(NAME)));
        // the bytes no longer name the trigger: only the shared answer can still say they did
        byte[] original = c.clone();
        int at = indexOf(c, TRIGGER.getBytes(StandardCharsets.UTF_8));
        c[at + 1] = 'X';
        assertTrue(t.candidate("x/Shared", c), "the answer of the walk the shortcut made");
        assertFalse(t.candidate("x/Shared", c.clone()), "another array: walked again");
        assertTrue(t.candidate("x/Shared", original));
    }

    @Test
    void aMethodDescriptorTriggerCountsForAClassDeclaringItWithCodeNotForOneThatOnlyCallsIt() {
        String filter = "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;";
        WeavingTransformer t = Instrumenter.transformer(Arrays.asList(filter + "*", TRIGGER),
                new Weaver(Collections.emptyList()));
        byte[] caller = withMethod("doFilterInternal", "()V", "jakarta/servlet/FilterChain", "doFilter", filter + ")V");
        assertFalse(t.candidate("x/Shared", caller), "it calls doFilter: the descriptor is only in its pool");
        t.mentionsSharing(caller, t.sharing(NAME)); // the shortcut's walk: the pool mentions a trigger
        assertFalse(t.candidate("x/Shared", caller), "the shared answer is refined the same way");
        byte[] declares = withMethod("doFilter", filter + "Ljakarta/servlet/FilterChain;)V", null, null, null);
        assertTrue(t.candidate("x/Shared", declares), "it declares doFilter with code");
        byte[] annotatedCaller = withMethod("doFilterInternal", "()V", "jakarta/servlet/FilterChain", "doFilter",
                filter + ")V", TRIGGER);
        assertTrue(t.candidate("x/Shared", annotatedCaller), "another trigger in its pool: the weaver decides");
        WeavingTransformer annotationsOnly = transformer();
        assertFalse(annotationsOnly.candidate("x/Shared", caller), "no trigger of its at all");
    }

    /** A class declaring {@code name desc} with code that calls {@code owner.callee calleeDesc} (if given), naming {@code extra}. */
    private static byte[] withMethod(String name, String desc, String owner, String callee, String calleeDesc,
                                     String... extra) {
        return ClassFileScanTest.classDeclaring(Opcodes.ACC_PUBLIC, Opcodes.ACC_PUBLIC, name, desc, owner, callee,
                calleeDesc, extra);
    }

    @Test
    void aClassThatMentionsNeitherIsRejectedByBoth() {
        WeavingTransformer t = transformer();
        byte[] c = classWith("run");
        assertFalse(t.mentionsSharing(c, t.sharing(NAME)));
        assertFalse(t.candidate("x/Shared", c));
    }

    @Test
    void aClassLoadedMeanwhileReplacesTheAnswerAndTheFirstIsWalkedAgain() {
        WeavingTransformer t = transformer();
        byte[] first = classWith(TRIGGER);
        byte[] second = classWith("run");
        assertFalse(t.mentionsSharing(first, t.sharing(NAME)));
        assertFalse(t.mentionsSharing(second, t.sharing(NAME)));
        assertTrue(t.candidate("x/Shared", first));
        assertFalse(t.candidate("x/Shared", second));
    }

    private static int indexOf(byte[] b, byte[] w) {
        for (int i = 0; i + w.length <= b.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(b, i, i + w.length), w)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aClassNamedAsATriggerIsACandidateWhateverTheLengthOfItsName() {
        java.util.List<String> triggers = new java.util.ArrayList<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int len : new int[] {1, 30, 63, 64, 65, 200}) {
            String name = "a/" + "b".repeat(Math.max(0, len - 2));
            name = name.substring(0, len);
            names.add(name);
            triggers.add(InstrumentationModule.CLASS + name);
        }
        WeavingTransformer t = Instrumenter.transformer(triggers, new Weaver(Collections.emptyList()));
        byte[] none = classWith("run");
        for (String name : names) {
            assertTrue(t.candidate(name, none), name.length() + "");
            String other = name.substring(0, name.length() - 1) + "c"; // same length, another name
            assertFalse(t.candidate(other, none), other.length() + "");
        }
        for (int len : new int[] {2, 62, 66, 199, 201}) {
            assertFalse(t.candidate("a/" + "b".repeat(len - 2), none), "no trigger of length " + len);
        }
    }
}
