package io.dsdagent.bench.record;

import io.dsdagent.annotation.Timed;
import io.dsdagent.bench.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The method path, measured whole: a call of an empty {@code @Timed} method, which the agent weaves
 * (clock read on entry, one bridge call on exit that reads the clock again and records). Unlike the
 * {@code Timer.record(nanos)} rows this includes the two clock reads, so it compares with the floor
 * ({@link NanoTimePair}) directly: the difference is what the woven code does besides the clock.
 */
@Fork(jvmArgsAppend = "-javaagent:agent/target/dsd-agent.jar")
@State(Scope.Benchmark)
public class TimedMethod {
    static final String METRIC = "bench.timed";
    private Sink sink;
    private final Subject subject = new Subject();

    /** The woven class: a plain application class, as the agent meets it. */
    public static class Subject {
        @Timed(METRIC)
        public void empty() {
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sink = new Sink(RecordBench.sinkPort(), METRIC);
    }

    @Benchmark
    @Threads(1)
    public void threads1() {
        subject.empty();
    }

    @Benchmark
    @Threads(2)
    public void threads2() {
        subject.empty();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        AgentFork.report(sink, "empty @Timed method");
    }
}
