package io.dsdagent.agent.instrument;

import io.dsdagent.agent.log.Log;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Weaver}'s first pass: the header, the wanted annotations and the method signatures (no code
 * is read). Asks the matchers for each method's {@link Advice}; advice for a constructor or type initializer
 * is refused with one line (woven code there would run before {@code this} is initialized).
 */
final class ClassScan extends ClassVisitor {
    private final ClassLoader loader;
    private final InstrumentationModule.Matcher[] matchers;
    private final Set<String> annotations;
    final Map<String, Advice> advice = new LinkedHashMap<String, Advice>();
    private final List<Ann> classAnns = new ArrayList<Ann>(2);
    private int access;
    private String name;
    private String superName;
    private String[] interfaces;
    private ClassInfo info;
    private InstrumentationModule.Matcher[] active;

    ClassScan(ClassLoader loader, InstrumentationModule.Matcher[] matchers, Set<String> annotations) {
        super(Weaver.API);
        this.loader = loader;
        this.matchers = matchers;
        this.annotations = annotations;
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
            List<InstrumentationModule.Matcher> a = new ArrayList<InstrumentationModule.Matcher>(matchers.length);
            for (InstrumentationModule.Matcher m : matchers) {
                if (m.examines(info)) {
                    a.add(m);
                }
            }
            active = a.toArray(new InstrumentationModule.Matcher[0]);
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
        return new MethodVisitor(Weaver.API) {
            @Override
            public AnnotationVisitor visitAnnotation(String d, boolean visible) {
                return annotations.contains(d) ? new Collect(d, anns) : null;
            }

            @Override
            public void visitEnd() {
                MethodInfo m = new MethodInfo(access, mName, desc, anns);
                for (InstrumentationModule.Matcher matcher : active) {
                    Advice h = matcher.advice(info, m);
                    if (h != null && m.isInitializer()) {
                        Log.warnOnce("initializer-" + name + "." + mName, "not instrumenting " + name.replace('/', '.') + "."
                                + mName + ": constructors and type initializers are never woven");
                    } else if (h != null) {
                        advice.put(mName + desc, h);
                        return;
                    }
                }
            }
        };
    }

    /** Collects one annotation's explicit attributes: strings, booleans, numbers, enum names, arrays. */
    private static final class Collect extends AnnotationVisitor {
        private final String desc;
        private final List<Ann> into;
        private final Map<String, Object> values = new HashMap<String, Object>();

        Collect(String desc, List<Ann> into) {
            super(Weaver.API);
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
            return new AnnotationVisitor(Weaver.API) {
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
}
