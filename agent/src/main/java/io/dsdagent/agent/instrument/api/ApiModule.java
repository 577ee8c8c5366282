package io.dsdagent.agent.instrument.api;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.Module;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Wires the API facade: {@code io.dsdagent.api.Hooks} in whatever class loader the application has it
 * (matched by name, so a webapp's own copy is wired too). Stubs the agent does not know (a newer API
 * jar, or a stub that shares a known one's name with other parameter types) stay no-ops.
 */
public final class ApiModule implements Module {
    @Override
    public String name() {
        return "api";
    }

    @Override
    public String[] triggers(Config config) {
        return new String[] {CLASS + "io/dsdagent/api/Hooks"};
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent) {
        // each stub is matched by its exact signature: a newer API may add a stub with a known name and
        // arity but other types (count(int, double)); advice bound to it would fail the whole class
        return builder.type(named("io.dsdagent.api.Hooks"))
                // the advice classes are located through the agent's own loader, whatever the app's loader sees
                .transform(new AgentBuilder.Transformer.ForAdvice().include(ApiAdvice.class.getClassLoader())
                        .advice(stub("register", int.class, int.class, String.class, String[].class),
                                ApiAdvice.Register.class.getName())
                        .advice(stub("count", void.class, int.class, long.class), ApiAdvice.Count.class.getName())
                        .advice(stub("gauge", void.class, int.class, double.class), ApiAdvice.Gauge.class.getName())
                        .advice(stub("recordNanos", void.class, int.class, long.class),
                                ApiAdvice.RecordNanos.class.getName())
                        .advice(stub("record", void.class, int.class, double.class), ApiAdvice.Record.class.getName())
                        .advice(stub("setAdd", void.class, int.class, String.class), ApiAdvice.SetAdd.class.getName())
                        .advice(stub("event", void.class, String.class, String.class, long.class, String.class,
                                String.class, String.class, String.class, String.class, String[].class),
                                ApiAdvice.Event.class.getName())
                        .advice(stub("serviceCheck", void.class, String.class, int.class, long.class, String.class,
                                String.class, String[].class), ApiAdvice.ServiceCheck.class.getName()));
    }

    /** The static stub {@code name} with exactly that return and those parameter types. */
    static ElementMatcher.Junction<MethodDescription> stub(String name, Class<?> returns, Class<?>... params) {
        return named(name).and(isStatic()).and(returns(returns)).and(takesArguments(params));
    }
}
