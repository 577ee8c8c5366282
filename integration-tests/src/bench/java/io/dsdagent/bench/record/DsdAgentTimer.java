package io.dsdagent.bench.record;

import io.dsdagent.api.DsdMetrics;
import io.dsdagent.api.Timer;
import io.dsdagent.bench.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.lang.reflect.Field;

/**
 * dsd-agent: {@link Timer#record(long)} on a handle resolved once, in a fork that runs with
 * {@code -javaagent:agent/target/dsd-agent.jar} (relative to the repository root, where {@code bench.sh}
 * runs), so the API stubs are wired exactly as in an application. The agent sends to a {@link Sink} in
 * this fork ({@code -Ddd.dogstatsd.url} set by {@link RecordBench}); at the end the fork prints what the
 * agent's telemetry says was recorded and dropped, and how many values arrived.
 */
@Fork(jvmArgsAppend = "-javaagent:agent/target/dsd-agent.jar")
@State(Scope.Benchmark)
public class DsdAgentTimer {
    private Sink sink;
    private Timer timer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sink = new Sink(RecordBench.sinkPort(), "bench.record");
        timer = DsdMetrics.timer("bench.record", "context:c0");
        Field id = Timer.class.getSuperclass().getDeclaredField("id"); // on the package-private Handle
        id.setAccessible(true);
        if (id.getInt(timer) < 0) {
            throw new IllegalStateException("dsd-agent is not attached to this fork: the Timer stub is not wired");
        }
    }

    @Benchmark
    @Threads(1)
    public void threads1(Values v) {
        timer.record(v.nanos());
    }

    @Benchmark
    @Threads(2)
    public void threads2(Values v) {
        timer.record(v.nanos());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        AgentFork.report(sink, "Timer.record(nanos)");
    }
}
