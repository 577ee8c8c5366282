package io.dsdagent.bench.record;

import io.dsdagent.bench.Sink;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.File;

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
        RecordSummary.print(new Runner(b.build()).run());
    }
}
