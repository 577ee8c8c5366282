package io.dsdagent.agent.instrument.api;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.Module;
import net.bytebuddy.agent.builder.AgentBuilder;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Wires the API facade: {@code io.dsdagent.api.Hooks} in whatever class loader the application has it
 * (matched by name, so a webapp's own copy is wired too). Stubs the agent does not know (a newer API
 * jar) stay no-ops.
 */
public final class ApiModule implements Module {
    @Override
    public String name() {
        return "api";
    }

    @Override
    public String[] triggers(Config config) {
        return new String[] {"io/dsdagent/api/Hooks"};
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, Config config, AgentServices agent) {
        return builder.type(named("io.dsdagent.api.Hooks"))
                // the advice classes are located through the agent's own loader, whatever the app's loader sees
                .transform(new AgentBuilder.Transformer.ForAdvice().include(ApiAdvice.class.getClassLoader())
                        .advice(named("register").and(isStatic()).and(takesArguments(3)), ApiAdvice.Register.class.getName())
                        .advice(named("count").and(takesArguments(2)), ApiAdvice.Count.class.getName())
                        .advice(named("gauge").and(takesArguments(2)), ApiAdvice.Gauge.class.getName())
                        .advice(named("recordNanos").and(takesArguments(2)), ApiAdvice.RecordNanos.class.getName())
                        .advice(named("record").and(takesArguments(2)), ApiAdvice.Record.class.getName())
                        .advice(named("setAdd").and(takesArguments(2)), ApiAdvice.SetAdd.class.getName())
                        .advice(named("event").and(takesArguments(9)), ApiAdvice.Event.class.getName())
                        .advice(named("serviceCheck").and(takesArguments(6)), ApiAdvice.ServiceCheck.class.getName()));
    }
}
