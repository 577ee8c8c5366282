package io.dsdagent.bench.record;

import io.dsdagent.bench.Sink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The end of a benchmark fork that runs with dsd-agent ({@code -javaagent}): waits for two more flushes
 * (every second in these forks), which carry everything recorded so far, prints what the agent's
 * telemetry and the {@link Sink} saw, and fails the fork if nothing of the measured metric arrived, so a
 * row can never report the cost of a path the agent did not instrument.
 */
final class AgentFork {
    private AgentFork() {
    }

    static void report(Sink sink, String subject) throws Exception {
        long flushes = sink.snapshot().agentFlushes();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // JMH's tear-down runs on its own thread, outside any measurement; parking here is the wait
        // for the agent's next flush, which no condition in this process can signal
        while (sink.snapshot().agentFlushes() < flushes + 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        Sink.Stats s = sink.snapshot();
        // "recorded" also counts the gauges the agent's own samplers set (runtime metrics, sockstat), a few
        // dozen per flush; the measured values are those received
        long attempted = s.metricWeighted() + s.agentDropped();
        // a loop that outruns the aggregator has most values counted, not kept (the sample rate of the few
        // values sent carries them): that is the path such a loop measures, and it loses nothing
        System.out.printf("%n[sink] dsd-agent, %s: %d flushes; values received (weighted) %,d, of them %,d kept"
                        + " as values (%.4f%%), the rest counted in their sample rates; lost %,d %s (%.2f%% of calls);"
                        + " telemetry recorded %,d (incl. sampler gauges); %,d datagrams, %,d bytes%n",
                subject, s.agentFlushes(), s.metricWeighted(), s.metricValues(),
                s.metricWeighted() == 0 ? 0.0 : 100.0 * s.metricValues() / s.metricWeighted(),
                s.agentDropped(), s.agentDroppedByReason(),
                attempted == 0 ? 0.0 : 100.0 * s.agentDropped() / attempted, s.agentRecorded(),
                s.datagrams(), s.bytes());
        sink.close();
        if (s.agentFlushes() == 0) {
            throw new IllegalStateException("no flush from dsd-agent reached the sink");
        }
        if (attempted == 0) {
            throw new IllegalStateException(subject + ": no value of the measured metric was recorded;"
                    + " the agent did not instrument this path");
        }
    }
}
