package io.dsdagent.agent.instrument;

/**
 * A {@link InstrumentationModule.Matcher} for a module that weaves one class, named by its internal
 * name, and reads no annotations (the API stubs, the JDK server's filter chain): it examines only that
 * class; the subclass says which of its methods get which hook.
 */
public abstract class ClassMatcher implements InstrumentationModule.Matcher {
    private static final String[] NONE = new String[0];
    private final String internalName;

    protected ClassMatcher(String internalName) {
        this.internalName = internalName;
    }

    @Override
    public final String[] annotations() {
        return NONE;
    }

    @Override
    public final boolean examines(ClassInfo c) {
        return c.name.equals(internalName);
    }
}
