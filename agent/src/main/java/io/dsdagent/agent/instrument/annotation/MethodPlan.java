package io.dsdagent.agent.instrument.annotation;

import java.util.Arrays;

/**
 * What to record for one instrumented method, decided once at transform time from its annotations (or
 * {@code DSD_AGENT_TIMED_METHODS}): a timer, a counter, or both. Tags here are the static ones
 * ({@code class}, {@code method}, user tags); {@code exception} and {@code result} are added per outcome.
 * Immutable.
 */
final class MethodPlan {
    final String className;
    final String methodName;
    /** Null when the method is not timed. */
    final String timerName;
    final String[] timerTags;
    /** Registry type, nanos flag included. */
    final int timerType;
    /** Null when the method is not counted. */
    final String counterName;
    final String[] counterTags;
    final boolean failuresOnly;
    /** The method returns a {@code CompletionStage}: timed until it completes. */
    final boolean async;

    MethodPlan(String className, String methodName, String timerName, String[] timerTags, int timerType,
               String counterName, String[] counterTags, boolean failuresOnly, boolean async) {
        this.className = className;
        this.methodName = methodName;
        this.timerName = timerName;
        this.timerTags = timerTags;
        this.timerType = timerType;
        this.counterName = counterName;
        this.counterTags = counterTags;
        this.failuresOnly = failuresOnly;
        this.async = async;
    }

    /** Identity of the plan: two methods (or two loads of one class) with equal keys share an id. */
    String key() {
        return className + '#' + methodName + '|' + timerName + '|' + Arrays.toString(timerTags) + '|' + timerType
                + '|' + counterName + '|' + Arrays.toString(counterTags) + '|' + failuresOnly + '|' + async;
    }

    @Override
    public String toString() {
        return key();
    }
}
