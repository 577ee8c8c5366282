package io.dsdagent.bench.record;

import io.dsdagent.bench.Sink;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Runs the recording-cost benchmarks in one JMH run ({@code ./bench.sh record}; any JMH option may be
 * added) and closes with {@link RecordSummary}'s table: every subject on 1 and 2 threads as a ratio to the
 * clock floor of the same run. It picks a free UDP port and hands it to every fork ({@code -Dbench.sink.port}, and to
 * dsd-agent as {@code -Ddd.dogstatsd.url}, which it reads in {@code premain}, before a benchmark could
 * tell it); each fork drains that port with a {@link Sink}, so every subject sends to a real receiver
 * and its sends succeed, as they would towards a Datadog Agent. (A port with nothing listening would
 * make connected UDP sockets fail with "connection refused" and measure the peers' error paths.)
 *
 * <p>dsd-agent flushes every second in its fork ({@code -Ddsd.agent.flush.interval=1s}) so its telemetry
 * reaches the sink before the fork ends; the flush interval does not change the recording path.
 */
public final class RecordBench {
    private RecordBench() {
    }

    /** The sink port of this fork. */
    static int sinkPort() {
        Integer p = Integer.getInteger("bench.sink.port");
        if (p == null) {
            throw new IllegalStateException("-Dbench.sink.port is not set: run through RecordBench (./bench.sh record)");
        }
        return p;
    }

    public static void main(String[] args) throws Exception {
        if (!new File("agent/target/dsd-agent.jar").isFile()) {
            System.err.println("agent/target/dsd-agent.jar not found: run from the repository root (./bench.sh record)");
            System.exit(2);
        }
        CommandLineOptions cli = new CommandLineOptions(args);
        int port = Sink.freePort();
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cli)
                .jvmArgsPrepend("-Dbench.sink.port=" + port, "-Ddd.dogstatsd.url=udp://127.0.0.1:" + port,
                        "-Ddsd.agent.flush.interval=1s");
        if (cli.getIncludes().isEmpty()) {
            b.include("io\\.dsdagent\\.bench\\.record\\.");
        }
        defaults(cli, b);
        RecordSummary.print(new Runner(b.build()).run());
    }

    /**
     * The run's settings ({@code -bm avgt -tu ns -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}, JSON results in
     * {@code integration-tests/target/bench-record.json}), each only where the command line gives none:
     * JMH refuses an option given twice, so {@code ./bench.sh record -i 1 -r 200ms} could not shorten a run
     * if {@code bench.sh} passed these itself.
     */
    private static void defaults(CommandLineOptions cli, ChainedOptionsBuilder b) {
        if (cli.getBenchModes().isEmpty()) {
            b.mode(Mode.AverageTime);
        }
        if (!cli.getTimeUnit().hasValue()) {
            b.timeUnit(TimeUnit.NANOSECONDS);
        }
        if (!cli.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            b.warmupIterations(3);
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            b.measurementIterations(5);
        }
        if (!cli.getWarmupTime().hasValue()) {
            b.warmupTime(TimeValue.seconds(1));
        }
        if (!cli.getMeasurementTime().hasValue()) {
            b.measurementTime(TimeValue.seconds(1));
        }
        if (cli.getProfilers().isEmpty()) {
            b.addProfiler(GCProfiler.class);
        }
        if (!cli.getResultFormat().hasValue()) {
            b.resultFormat(ResultFormatType.JSON);
        }
        if (!cli.getResult().hasValue()) {
            b.result("integration-tests/target/bench-record.json");
        }
    }
}
