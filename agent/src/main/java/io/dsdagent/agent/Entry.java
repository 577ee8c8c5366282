package io.dsdagent.agent;

import io.dsdagent.agent.startup.Starter;

import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The agent's entry inside its own loader ({@link AgentLoader}): the trampoline initializes this class
 * there, and its static initializer hands the loader one instance. The trampoline then starts the agent
 * through {@link Function} ({@code {args, inst, lateAttach, t0}} in, this out) and tells it that
 * {@code premain} is returning through {@link Runnable}: JDK interfaces both loaders share, so no
 * reflection. A failure to start propagates to the trampoline, which disables the agent in one line.
 */
final class Entry implements Function<Object[], Runnable>, Runnable {
    static {
        @SuppressWarnings("unchecked")
        Consumer<Object> loader = (Consumer<Object>) Entry.class.getClassLoader();
        loader.accept(new Entry());
    }

    private Entry() {
    }

    @Override
    public Runnable apply(Object[] a) {
        Starter.start((String) a[0], (Instrumentation) a[1], (Boolean) a[2], (Long) a[3]);
        return this;
    }

    @Override
    public void run() {
        Starter.premainReturned();
    }
}
