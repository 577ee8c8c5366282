package io.dsdagent.agent.instrument;

import io.dsdagent.bootstrap.Bridge;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weaves {@link Hook hooks} into class files with plain ASM. Three passes over a class that the
 * prefilter let through: the header, annotations and method signatures decide the hooks (no code is
 * read); the hooked methods' {@code max_locals} are read; then the class is rewritten, copying every
 * method without a hook as it was.
 *
 * <p>A hooked method gets its entry call first, then its original code inside one catch-all handler,
 * listed last so the method's own handlers keep precedence. Every return and the handler call the
 * exit; the handler rethrows the very throwable. New locals live above the original {@code max_locals};
 * every stack map frame of the method is extended with them and the handler gets one frame of its own,
 * so no frame is recomputed and no class is loaded to do so. The calls go to the boot loader's bridge
 * only, which swallows its own failures.
 */
public final class Weaver {
    static final int API = Opcodes.ASM9;
    /** Internal name of the live bridge (relocated in the agent jar; the class literal follows). */
    static final String BRIDGE = Bridge.class.getName().replace('.', '/');
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";

    private final Module.Matcher[] matchers;
    private final Set<String> annotations = new HashSet<String>();

    public Weaver(List<Module.Matcher> matchers) {
        this.matchers = matchers.toArray(new Module.Matcher[0]);
        for (Module.Matcher m : matchers) {
            Collections.addAll(annotations, m.annotations());
        }
    }

    /** The woven class file, or null when no method of the class gets a hook. */
    public byte[] weave(ClassLoader loader, byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        Scan scan = new Scan(loader);
        r.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (scan.hooks.isEmpty()) {
            return null;
        }
        final Map<String, Hook> hooks = scan.hooks;
        final Map<String, Integer> maxLocals = new HashMap<String, Integer>();
        r.accept(new ClassVisitor(API) {
            @Override
            public MethodVisitor visitMethod(int access, final String name, final String desc, String sig, String[] ex) {
                if (!hooks.containsKey(name + desc)) {
                    return null;
                }
                return new MethodVisitor(API) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        maxLocals.put(name + desc, locals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        ClassWriter w = new ClassWriter(r, ClassWriter.COMPUTE_MAXS);
        r.accept(new WeaveClass(w, hooks, maxLocals), ClassReader.EXPAND_FRAMES);
        return w.toByteArray();
    }

    /**
     * The class and its methods as matchers see them, with the annotations of {@code annotations}
     * (descriptors) collected; for tests and diagnostics.
     */
    public static java.util.Map.Entry<ClassInfo, List<MethodInfo>> read(ClassLoader loader, byte[] classFile,
                                                                         final String... annotations) {
        final List<MethodInfo> methods = new ArrayList<MethodInfo>();
        final ClassInfo[] cls = new ClassInfo[1];
        Module.Matcher all = new Module.Matcher() {
            @Override
            public String[] annotations() {
                return annotations;
            }

            @Override
            public boolean examines(ClassInfo c) {
                cls[0] = c;
                return true;
            }

            @Override
            public Hook hook(ClassInfo c, MethodInfo m) {
                methods.add(m);
                return null;
            }
        };
        new Weaver(Collections.singletonList(all)).weave(loader, classFile);
        return new java.util.AbstractMap.SimpleImmutableEntry<ClassInfo, List<MethodInfo>>(cls[0], methods);
    }

    /** Reads the header, the wanted annotations and the method signatures; asks the matchers for hooks. */
    private final class Scan extends ClassVisitor {
        private final ClassLoader loader;
        final Map<String, Hook> hooks = new LinkedHashMap<String, Hook>();
        private final List<Ann> classAnns = new ArrayList<Ann>(2);
        private int access;
        private String name;
        private String superName;
        private String[] interfaces;
        private ClassInfo info;
        private Module.Matcher[] active;

        Scan(ClassLoader loader) {
            super(API);
            this.loader = loader;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.access = access;
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces == null ? new String[0] : interfaces;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
            return annotations.contains(desc) ? new Collect(desc, classAnns) : null;
        }

        /** Once, after the class annotations: which matchers look at this class's methods. */
        private void examine() {
            if (active == null) {
                info = new ClassInfo(loader, name, this.access, superName, interfaces, classAnns);
                List<Module.Matcher> a = new ArrayList<Module.Matcher>(matchers.length);
                for (Module.Matcher m : matchers) {
                    if (m.examines(info)) {
                        a.add(m);
                    }
                }
                active = a.toArray(new Module.Matcher[0]);
            }
        }

        @Override
        public void visitEnd() {
            examine();
        }

        @Override
        public MethodVisitor visitMethod(final int access, final String mName, final String desc, String sig, String[] ex) {
            examine();
            if (active.length == 0) {
                return null;
            }
            final List<Ann> anns = new ArrayList<Ann>(1);
            return new MethodVisitor(API) {
                @Override
                public AnnotationVisitor visitAnnotation(String d, boolean visible) {
                    return annotations.contains(d) ? new Collect(d, anns) : null;
                }

                @Override
                public void visitEnd() {
                    MethodInfo m = new MethodInfo(access, mName, desc, anns);
                    for (Module.Matcher matcher : active) {
                        Hook h = matcher.hook(info, m);
                        if (h != null) {
                            hooks.put(mName + desc, h);
                            return;
                        }
                    }
                }
            };
        }
    }

    /** Collects one annotation's explicit attributes: strings, booleans, numbers, enum names, arrays. */
    private static final class Collect extends AnnotationVisitor {
        private final String desc;
        private final List<Ann> into;
        private final Map<String, Object> values = new HashMap<String, Object>();

        Collect(String desc, List<Ann> into) {
            super(API);
            this.desc = desc;
            this.into = into;
        }

        @Override
        public void visit(String name, Object value) {
            values.put(name, value);
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            values.put(name, value);
        }

        @Override
        public AnnotationVisitor visitArray(final String name) {
            final List<Object> items = new ArrayList<Object>();
            return new AnnotationVisitor(API) {
                @Override
                public void visit(String n, Object value) {
                    items.add(value);
                }

                @Override
                public void visitEnum(String n, String descriptor, String value) {
                    items.add(value);
                }

                @Override
                public void visitEnd() {
                    boolean strings = true;
                    for (Object o : items) {
                        strings &= o instanceof String;
                    }
                    values.put(name, strings ? items.toArray(new String[0]) : items.toArray());
                }
            };
        }

        @Override
        public void visitEnd() {
            into.add(new Ann(Type.getType(desc).getClassName(), values));
        }
    }

    /** Rewrites the hooked methods; every other method is copied as it was. */
    private static final class WeaveClass extends ClassVisitor {
        private final Map<String, Hook> hooks;
        private final Map<String, Integer> maxLocals;
        private boolean frames;

        WeaveClass(ClassVisitor cv, Map<String, Hook> hooks, Map<String, Integer> maxLocals) {
            super(API, cv);
            this.hooks = hooks;
            this.maxLocals = maxLocals;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            frames = (version & 0xFFFF) >= Opcodes.V1_6;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
            MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
            Hook h = hooks.get(name + desc);
            if (h == null || mv == null) {
                return mv;
            }
            if (h.kind == Hook.REPLACE) {
                return new Replace(mv, name, desc);
            }
            if (h.kind == Hook.BRIDGE_ENTER) {
                final String bridgeMethod = h.bridgeMethod;
                return new MethodVisitor(API, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, bridgeMethod, "()V", false);
                    }
                };
            }
            Integer locals = maxLocals.get(name + desc);
            return new Wrap(mv, h, access, desc, locals == null ? 0 : locals, frames);
        }
    }

    /** A stub whose body becomes {@code return Bridge.<name>(<its arguments>)}; annotations are kept. */
    private static final class Replace extends MethodVisitor {
        private final MethodVisitor out;
        private final String name;
        private final String desc;

        Replace(MethodVisitor out, String name, String desc) {
            super(API); // code visits go nowhere: the original body is dropped
            this.out = out;
            this.name = name;
            this.desc = desc;
        }

        @Override
        public void visitParameter(String n, int access) {
            out.visitParameter(n, access);
        }

        @Override
        public AnnotationVisitor visitAnnotationDefault() {
            return out.visitAnnotationDefault();
        }

        @Override
        public AnnotationVisitor visitAnnotation(String d, boolean visible) {
            return out.visitAnnotation(d, visible);
        }

        @Override
        public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String d, boolean visible) {
            return out.visitTypeAnnotation(typeRef, typePath, d, visible);
        }

        @Override
        public void visitAnnotableParameterCount(int count, boolean visible) {
            out.visitAnnotableParameterCount(count, visible);
        }

        @Override
        public AnnotationVisitor visitParameterAnnotation(int parameter, String d, boolean visible) {
            return out.visitParameterAnnotation(parameter, d, visible);
        }

        @Override
        public void visitAttribute(Attribute attribute) {
            out.visitAttribute(attribute);
        }

        @Override
        public void visitCode() {
            out.visitCode();
            int slot = 0;
            for (Type t : Type.getArgumentTypes(desc)) {
                out.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
                slot += t.getSize();
            }
            out.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, name, desc, false);
            out.visitInsn(Type.getReturnType(desc).getOpcode(Opcodes.IRETURN));
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            out.visitMaxs(0, 0); // computed by the writer
        }

        @Override
        public void visitEnd() {
            out.visitEnd();
        }
    }

    /** Entry call, catch-all handler and exit calls around a method's original code. */
    private static final class Wrap extends MethodVisitor {
        private final Hook hook;
        private final boolean isStatic;
        private final Type[] args;
        private final Type ret;
        private final boolean frames;
        /** First new local: the entry's value (long start or int code), then (CALL) the two arguments. */
        private final int first;
        private final Object[] added;
        private final int returned;
        private final int thrown;
        private final Label start = new Label();
        private final Label end = new Label();
        private final Label handler = new Label();

        Wrap(MethodVisitor mv, Hook hook, int access, String desc, int maxLocals, boolean frames) {
            super(API, mv);
            this.hook = hook;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.args = Type.getArgumentTypes(desc);
            this.ret = Type.getReturnType(desc);
            this.frames = frames;
            int argSlots = isStatic ? 0 : 1;
            for (Type t : args) {
                argSlots += t.getSize();
            }
            this.first = Math.max(maxLocals, argSlots);
            this.added = hook.kind == Hook.CALL ? new Object[] {Opcodes.INTEGER, OBJECT, OBJECT}
                    : new Object[] {Opcodes.LONG};
            int addedSlots = hook.kind == Hook.CALL ? 3 : 2;
            this.returned = first + addedSlots;
            this.thrown = returned + 2;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (hook.kind == Hook.CALL) {
                if (!hook.exit) {
                    hookEnter();
                    mv.visitInsn(Opcodes.POP);
                    return;
                }
                if (hook.enter) {
                    hookEnter();
                } else {
                    mv.visitInsn(Opcodes.ICONST_0);
                }
                mv.visitVarInsn(Opcodes.ISTORE, first);
                loadArg(hook.argA);
                mv.visitVarInsn(Opcodes.ASTORE, first + 1);
                loadArg(hook.argB);
                mv.visitVarInsn(Opcodes.ASTORE, first + 2);
            } else {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
                mv.visitVarInsn(Opcodes.LSTORE, first);
            }
            mv.visitLabel(start);
        }

        @Override
        public void visitFrame(int type, int nLocal, Object[] local, int nStack, Object[] stack) {
            if (!hook.exit || type != Opcodes.F_NEW) {
                super.visitFrame(type, nLocal, local, nStack, stack);
                return;
            }
            List<Object> l = new ArrayList<Object>(nLocal + first + 3);
            int slots = 0;
            for (int i = 0; i < nLocal; i++) {
                l.add(local[i]);
                slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
            }
            for (; slots < first; slots++) {
                l.add(Opcodes.TOP);
            }
            Collections.addAll(l, added);
            super.visitFrame(Opcodes.F_NEW, l.size(), l.toArray(), nStack, stack);
        }

        @Override
        public void visitInsn(int opcode) {
            if (hook.exit && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                if (opcode != Opcodes.RETURN) {
                    mv.visitVarInsn(ret.getOpcode(Opcodes.ISTORE), returned);
                }
                exit(false);
                if (opcode != Opcodes.RETURN) {
                    mv.visitVarInsn(ret.getOpcode(Opcodes.ILOAD), returned);
                }
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (hook.exit) {
                mv.visitLabel(end);
                mv.visitTryCatchBlock(start, end, handler, null); // after the method's own: lowest precedence
                mv.visitLabel(handler);
                if (frames) {
                    Object[] l = new Object[first + added.length];
                    for (int i = 0; i < first; i++) {
                        l[i] = Opcodes.TOP;
                    }
                    System.arraycopy(added, 0, l, first, added.length);
                    mv.visitFrame(Opcodes.F_NEW, l.length, l, 1, new Object[] {THROWABLE});
                }
                mv.visitVarInsn(Opcodes.ASTORE, thrown);
                exit(true);
                mv.visitVarInsn(Opcodes.ALOAD, thrown);
                mv.visitInsn(Opcodes.ATHROW);
            }
            super.visitMaxs(0, 0); // computed by the writer
        }

        /** {@code Bridge.hookEnter(id, a, b)}, its code left on the stack. */
        private void hookEnter() {
            push(hook.id);
            loadArg(hook.argA);
            loadArg(hook.argB);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "hookEnter", "(ILjava/lang/Object;Ljava/lang/Object;)I", false);
        }

        /** The exit call; {@code failed}: from the handler, the throwable in {@link #thrown}. */
        private void exit(boolean failed) {
            push(hook.id);
            boolean value = !failed && ret.getSort() != Type.VOID;
            if (hook.kind == Hook.CALL) {
                mv.visitVarInsn(Opcodes.ILOAD, first);
                mv.visitVarInsn(Opcodes.ALOAD, first + 1);
                mv.visitVarInsn(Opcodes.ALOAD, first + 2);
                if (hook.passReturn && value) {
                    loadBoxed(returned, ret);
                } else {
                    mv.visitInsn(Opcodes.ACONST_NULL);
                }
                throwable(failed);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "hookExit",
                        "(IILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V", false);
            } else if (hook.kind == Hook.STAGE) {
                mv.visitVarInsn(Opcodes.LLOAD, first);
                if (value && (ret.getSort() == Type.OBJECT || ret.getSort() == Type.ARRAY)) {
                    mv.visitVarInsn(Opcodes.ALOAD, returned);
                } else {
                    mv.visitInsn(Opcodes.ACONST_NULL);
                }
                throwable(failed);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "methodStage",
                        "(IJLjava/lang/Object;Ljava/lang/Throwable;)V", false);
            } else {
                mv.visitVarInsn(Opcodes.LLOAD, first);
                throwable(failed);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "methodTimed", "(IJLjava/lang/Throwable;)V", false);
            }
        }

        private void throwable(boolean failed) {
            if (failed) {
                mv.visitVarInsn(Opcodes.ALOAD, thrown);
            } else {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
        }

        private void loadArg(int index) {
            if (index == Hook.THIS && !isStatic) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                return;
            }
            if (index < 0 || index >= args.length || (args[index].getSort() != Type.OBJECT
                    && args[index].getSort() != Type.ARRAY)) {
                mv.visitInsn(Opcodes.ACONST_NULL);
                return;
            }
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < index; i++) {
                slot += args[i].getSize();
            }
            mv.visitVarInsn(Opcodes.ALOAD, slot);
        }

        private void loadBoxed(int slot, Type t) {
            mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), slot);
            String box;
            switch (t.getSort()) {
                case Type.BOOLEAN: box = "java/lang/Boolean"; break;
                case Type.BYTE: box = "java/lang/Byte"; break;
                case Type.CHAR: box = "java/lang/Character"; break;
                case Type.SHORT: box = "java/lang/Short"; break;
                case Type.INT: box = "java/lang/Integer"; break;
                case Type.LONG: box = "java/lang/Long"; break;
                case Type.FLOAT: box = "java/lang/Float"; break;
                case Type.DOUBLE: box = "java/lang/Double"; break;
                default: return;
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, box, "valueOf", "(" + t.getDescriptor() + ")L" + box + ";", false);
        }

        private void push(int v) {
            if (v >= -1 && v <= 5) {
                mv.visitInsn(Opcodes.ICONST_0 + v);
            } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.BIPUSH, v);
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.SIPUSH, v);
            } else {
                mv.visitLdcInsn(v);
            }
        }
    }
}
