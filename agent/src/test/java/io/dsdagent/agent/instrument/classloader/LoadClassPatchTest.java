package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.instrument.Resources;
import io.dsdagent.fixture.loaders.HidingLoader;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.TypeReference;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shortcut written without ASM: loaders generated in every shape the patch moves (first frame at
 * offset 0, just below and above the 64 a compact frame can say, a handler's frame, no frames at all,
 * both {@code loadClass} methods), each defined (and so verified) and asked for a hidden class. Each
 * generated loader hides everything, so only the shortcut can answer a name under the prefix.
 */
class LoadClassPatchTest {
    private static final String PREFIX = "java.util.";
    private static final String CNFE = "java/lang/ClassNotFoundException";
    private static final int LINE = 4242;

    private enum Shape { BRANCH, LOOP_AT_START, HANDLER, STRAIGHT }

    @Test
    void theFixtureLoaderIsPatchedWithoutAsm() throws Exception {
        byte[] b = Resources.classFile(HidingLoader.class.getClassLoader(), HidingLoader.class.getName().replace('.', '/'));
        byte[] patched = LoadClassPatch.rewrite(b, PREFIX);
        assertNotNull(patched);
        assertNotSame(LoadClassPatch.UNSUPPORTED, patched);
    }

    @Test
    void everyFirstFrameOffsetAroundTheCompactLimitIsMoved() throws Exception {
        for (Shape shape : new Shape[] {Shape.BRANCH, Shape.HANDLER}) {
            for (int nops = 0; nops <= 80; nops++) {
                checkLoader(shape, nops, Opcodes.V1_8);
            }
        }
    }

    @Test
    void aFrameAtTheMethodsStartStaysDistinctFromThePrologues() throws Exception {
        checkLoader(Shape.LOOP_AT_START, 0, Opcodes.V1_8);
    }

    @Test
    void aMethodWithoutFramesGetsTheProloguesFrames() throws Exception {
        checkLoader(Shape.STRAIGHT, 0, Opcodes.V1_8);
    }

    @Test
    void aClassFileOlderThanFramesIsPatchedWithoutThem() throws Exception {
        checkLoader(Shape.STRAIGHT, 0, Opcodes.V1_5);
        checkLoader(Shape.BRANCH, 3, Opcodes.V1_5);
    }

    @Test
    void codeWithTypeAnnotationsTakesTheAsmPath() throws Exception {
        byte[] b = generate("gen/Annotated", Shape.BRANCH, 0, Opcodes.V1_8, true);
        assertSame(LoadClassPatch.UNSUPPORTED, LoadClassPatch.rewrite(b, PREFIX));
        ClassLoader l = define("gen.Annotated", ClassLoaderSupport.rewrite(b, PREFIX));
        assertSame(java.util.List.class, l.loadClass("java.util.List"));
    }

    @Test
    void bytesThatAreNoClassFileTakeTheAsmPath() {
        assertSame(LoadClassPatch.UNSUPPORTED, LoadClassPatch.rewrite(new byte[] {1, 2, 3}, PREFIX));
        byte[] b = generate("gen/Cut", Shape.BRANCH, 0, Opcodes.V1_8, false);
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 3);
        assertSame(LoadClassPatch.UNSUPPORTED, LoadClassPatch.rewrite(cut, PREFIX));
    }

    private static void checkLoader(Shape shape, int nops, int version) throws Exception {
        String name = "gen/L" + shape + nops + "v" + version;
        byte[] patched = LoadClassPatch.rewrite(generate(name, shape, nops, version, false), PREFIX);
        assertNotNull(patched, name);
        assertNotSame(LoadClassPatch.UNSUPPORTED, patched, name);
        ClassLoader l = define(name.replace('/', '.'), patched);
        String what = shape + " with " + nops + " nops, version " + version;
        assertSame(java.util.List.class, l.loadClass("java.util.List"), what);
        ClassNotFoundException e = assertThrows(ClassNotFoundException.class, () -> l.loadClass("java.lang.String"), what);
        assertEquals("hidden java.lang.String", e.getMessage(), what);
        assertEquals(LINE, e.getStackTrace()[0].getLineNumber(), what + ": line numbers moved with the code");
        Method resolving = l.getClass().getDeclaredMethod("loadClass", String.class, boolean.class);
        resolving.setAccessible(true);
        assertSame(java.util.Map.class, resolving.invoke(l, "java.util.Map", true), what);
        InvocationTargetException t = assertThrows(InvocationTargetException.class,
                () -> resolving.invoke(l, "java.lang.Integer", false), what);
        assertTrue(t.getCause() instanceof ClassNotFoundException, what);
        // the frames the patch wrote read back as ASM expects them
        new ClassReader(patched).accept(new ClassWriter(0), ClassReader.EXPAND_FRAMES);
    }

    private static ClassLoader define(String name, byte[] b) throws Exception {
        Class<?> c = new ClassLoader(LoadClassPatchTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name, b, 0, b.length);
            }
        }.define();
        return (ClassLoader) c.getConstructor().newInstance();
    }

    /**
     * A loader hiding every class from both {@code loadClass} methods: {@code nops} no-ops, then the
     * shape's code, which throws {@code ClassNotFoundException("hidden " + name)} from line {@link #LINE}.
     */
    private static byte[] generate(String name, Shape shape, int nops, int version, boolean typeAnnotation) {
        boolean frames = version >= Opcodes.V1_6;
        ClassWriter cw = new ClassWriter(frames ? ClassWriter.COMPUTE_FRAMES : ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(version, Opcodes.ACC_PUBLIC, name, null, "java/lang/ClassLoader", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/ClassLoader", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        for (String desc : new String[] {LoadClassShortcut.DESC, LoadClassShortcut.DESC_RESOLVE}) {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PROTECTED, "loadClass", desc, null, new String[] {CNFE});
            mv.visitCode();
            Label start = new Label();
            Label end = new Label();
            mv.visitLabel(start);
            if (shape == Shape.LOOP_AT_START) {
                mv.visitVarInsn(Opcodes.ALOAD, 1);
                mv.visitJumpInsn(Opcodes.IFNULL, start); // a frame at offset 0
            }
            for (int i = 0; i < nops; i++) {
                mv.visitInsn(Opcodes.NOP);
            }
            if (shape == Shape.BRANCH) {
                Label go = new Label();
                mv.visitVarInsn(Opcodes.ALOAD, 1);
                mv.visitJumpInsn(Opcodes.IFNONNULL, go);
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitInsn(Opcodes.ARETURN);
                mv.visitLabel(go);
                throwHidden(mv, typeAnnotation);
            } else if (shape == Shape.HANDLER) {
                Label tryStart = new Label();
                Label tryEnd = new Label();
                Label handler = new Label();
                mv.visitTryCatchBlock(tryStart, tryEnd, handler, CNFE);
                mv.visitLabel(tryStart);
                throwHidden(mv, typeAnnotation);
                mv.visitLabel(tryEnd);
                mv.visitLabel(handler); // the method's first frame: one stack item
                mv.visitInsn(Opcodes.ATHROW);
            } else {
                throwHidden(mv, typeAnnotation);
            }
            mv.visitLabel(end);
            mv.visitLocalVariable("this", "L" + name + ";", null, start, end, 0);
            mv.visitLocalVariable("name", "Ljava/lang/String;", null, start, end, 1);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void throwHidden(MethodVisitor mv, boolean typeAnnotation) {
        Label line = new Label();
        mv.visitLabel(line);
        mv.visitLineNumber(LINE, line);
        mv.visitTypeInsn(Opcodes.NEW, CNFE);
        if (typeAnnotation) {
            mv.visitInsnAnnotation(TypeReference.newTypeReference(TypeReference.NEW).getValue(), null, "Lgen/A;", true);
        }
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn("hidden ");
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, CNFE, "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
    }
}
