package io.dsdagent.agent.instrument;

import io.dsdagent.bootstrap.Bridge;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weaves {@link Advice advice} into class files with plain ASM. Three passes over a class that the
 * prefilter let through: the header, annotations and method signatures decide the advice
 * ({@link ClassScan}, no code is read); the hooked methods' {@code max_locals} are read; then the class
 * is rewritten, copying every method without advice as it was.
 *
 * <p>What must hold, as ByteBuddy's {@code Advice} with {@code suppress = Throwable.class} gives: every
 * inserted call is guarded where it is made, so nothing the agent does, not even a {@code LinkageError}
 * from a loader that cannot see the bridge, reaches the application ({@link WovenMethod},
 * {@link StubBody}); no member is added (late attach retransforms); no frame is computed and no class
 * loaded to weave. Constructors and type initializers are never woven.
 */
public final class Weaver {
    static final int API = Opcodes.ASM9;
    /** Internal name of the live bridge (relocated in the agent jar; the class literal follows). */
    static final String BRIDGE = Bridge.class.getName().replace('.', '/');

    private final InstrumentationModule.Matcher[] matchers;
    private final Set<String> annotations = new HashSet<String>();
    private final String bridge;

    public Weaver(List<InstrumentationModule.Matcher> matchers) {
        this(matchers, BRIDGE);
    }

    /** A weaver whose inserted calls go to {@code bridge} (internal name): tests point it at a failing bridge. */
    Weaver(List<InstrumentationModule.Matcher> matchers, String bridge) {
        this.matchers = matchers.toArray(new InstrumentationModule.Matcher[0]);
        this.bridge = bridge;
        for (InstrumentationModule.Matcher m : matchers) {
            Collections.addAll(annotations, m.annotations());
        }
    }

    /**
     * The woven class file, or null when no method of the class gets advice. Throws ASM's
     * {@code MethodTooLargeException} when a woven method would pass the JVM's 64 KB code limit.
     */
    public byte[] weave(ClassLoader loader, byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        ClassScan scan = new ClassScan(loader, matchers, annotations);
        r.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (scan.advice.isEmpty()) {
            return null;
        }
        final Map<String, Advice> advice = scan.advice;
        final Map<String, Integer> maxLocals = new HashMap<String, Integer>();
        r.accept(new ClassVisitor(API) {
            @Override
            public MethodVisitor visitMethod(int access, final String name, final String desc, String sig, String[] ex) {
                if (!advice.containsKey(name + desc)) {
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
        r.accept(new WeaveClass(w, bridge, advice, maxLocals), ClassReader.EXPAND_FRAMES);
        return w.toByteArray();
    }

    /**
     * Weaves {@code Weaver$Rehearsal}, a class of the agent's own read as a class file and never loaded,
     * with this weaver's matchers and one more that gives each of its methods one kind of advice, and
     * returns the result, which the caller throws away. The warm-up thread runs it once, after it made
     * the weaver, so the first class woven on an application's thread (on a Spring Boot jar, the main
     * thread) neither loads the scan's, the advice's and the writers' classes (about a dozen) nor runs
     * their code for the first time (issue 18: that first class took 4.4 ms of CPU, the next ones about
     * 1.5). The modules' matchers see the sample as any class: it has no annotation, name or method that
     * any of them advises, so none records anything.
     */
    byte[] rehearse() throws IOException {
        List<InstrumentationModule.Matcher> all = new ArrayList<InstrumentationModule.Matcher>(Arrays.asList(matchers));
        all.add(new RehearsalMatcher());
        return new Weaver(all, bridge).weave(Weaver.class.getClassLoader(), Resources.agentClass(REHEARSAL));
    }

    /** Binary name of the rehearsal's sample: a string, so no code here loads the class. */
    static final String REHEARSAL = Weaver.class.getName() + "$Rehearsal";

    /** Each of {@link Rehearsal}'s methods gets the kind of advice its name says. */
    private static final class RehearsalMatcher implements InstrumentationModule.Matcher {
        @Override
        public String[] annotations() {
            return new String[] {"Ljava/lang/Deprecated;"};
        }

        @Override
        public boolean examines(ClassInfo c) {
            return c.name.equals(REHEARSAL.replace('.', '/'));
        }

        @Override
        public Advice advice(ClassInfo c, MethodInfo m) {
            if (m.name.equals("call")) {
                return Advice.call(0, true, true, true, 0, 1);
            } else if (m.name.equals("timed")) {
                return Advice.timed(0, false);
            } else if (m.name.equals("stage")) {
                return Advice.timed(0, true);
            } else if (m.name.equals("stub")) {
                return Advice.replace();
            } else if (m.name.equals("handedOff")) {
                return Advice.bridgeOnEntry("httpHandedOff");
            }
            return null;
        }
    }

    /**
     * Only read as a class file ({@link #rehearse}): one method for each kind of advice, with branches,
     * a loop, a handler, an annotation and return values, as woven methods have.
     */
    @SuppressWarnings("unused")
    static final class Rehearsal {
        Object call(Object a, Object b) {
            try {
                return a == null ? b : a.toString();
            } catch (RuntimeException e) {
                return e;
            }
        }

        @Deprecated
        long timed(int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += i;
            }
            return sum;
        }

        java.util.concurrent.CompletionStage<Object> stage(boolean done) {
            return done ? java.util.concurrent.CompletableFuture.completedFuture(null) : null;
        }

        static int stub(int x) {
            return x;
        }

        void handedOff() {
        }
    }

    /**
     * The class and its methods as matchers see them, with the annotations of {@code annotations}
     * (descriptors) collected; for tests and diagnostics.
     */
    public static java.util.Map.Entry<ClassInfo, List<MethodInfo>> read(ClassLoader loader, byte[] classFile,
                                                                         final String... annotations) {
        final List<MethodInfo> methods = new ArrayList<MethodInfo>();
        final ClassInfo[] cls = new ClassInfo[1];
        InstrumentationModule.Matcher all = new InstrumentationModule.Matcher() {
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
            public Advice advice(ClassInfo c, MethodInfo m) {
                methods.add(m);
                return null;
            }
        };
        new Weaver(Collections.singletonList(all)).weave(loader, classFile);
        return new java.util.AbstractMap.SimpleImmutableEntry<ClassInfo, List<MethodInfo>>(cls[0], methods);
    }

    /** Rewrites the advised methods; every other method is copied as it was. */
    private static final class WeaveClass extends OwnerVisitor {
        private final String bridge;
        private final Map<String, Advice> advice;
        private final Map<String, Integer> maxLocals;

        WeaveClass(ClassVisitor cv, String bridge, Map<String, Advice> advice, Map<String, Integer> maxLocals) {
            super(cv);
            this.bridge = bridge;
            this.advice = advice;
            this.maxLocals = maxLocals;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
            MethodVisitor mv = super.visitMethod(access, name, desc, sig, ex);
            Advice h = advice.get(name + desc);
            if (h == null || mv == null) {
                return mv;
            }
            if (h.kind == Advice.REPLACE) {
                return (access & Opcodes.ACC_STATIC) != 0 ? new StubBody(mv, bridge, name, desc, frames) : mv;
            }
            Integer locals = maxLocals.get(name + desc);
            return new WovenMethod(mv, bridge, h, owner, access, desc, locals == null ? 0 : locals, frames);
        }
    }
}
