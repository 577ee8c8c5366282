package io.dsdagent.agent.startup;

import io.dsdagent.agent.aggregate.Aggregator;
import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.BridgeSink;
import io.dsdagent.agent.instrument.Instrumenter;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.sample.Samplers;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.transport.Transports;
import io.dsdagent.bootstrap.Bridge;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires the agent together after the trampoline has defined the bridge: config, recorder, aggregator
 * thread, bridge sink, instrumentation (each module wires its own runtime side onto the sink; this class
 * knows none of them), shutdown hook. Called reflectively by {@code io.dsdagent.agent.AgentMain}; any
 * failure disables the agent with one line.
 *
 * <p>{@code premain} does no I/O (STYLE rule 2, DECISIONS "Samplers"): the aggregator thread starts
 * here but its first act, creating the packer, waits at {@link #PREMAIN_RETURNED} until the trampoline
 * calls {@link #premainReturned()} on its way out. Only then are the start-up line printed, the
 * container id read, the socket opened and the samplers (which run after the packer exists) set up.
 */
public final class Starter {
    private static volatile Aggregator running;
    /** Opened by the trampoline when {@code premain}/{@code agentmain} returns; the agent thread waits for it. */
    private static final CountDownLatch PREMAIN_RETURNED = new CountDownLatch(1);
    /** {@code System.nanoTime()} when the trampoline returned, for the start-up line. */
    private static volatile long premainNanos;

    private Starter() {
    }

    /**
     * {@code t0}: {@code System.nanoTime()} when the JVM entered {@code premain}/{@code agentmain};
     * {@code inst} is null when the bridge could not be defined in the boot loader: nothing is woven.
     */
    public static void start(String agentArgs, Instrumentation inst, final boolean lateAttach, final long t0) {
        final Config config = Config.fromSystem(agentArgs);
        Log.setLevel(config.logLevel);
        if (!config.enabled) {
            Log.info("disabled by DSD_AGENT_ENABLED=false; nothing is instrumented or sent");
            return;
        }
        if (running != null) {
            Log.info("already running; ignoring a second attach");
            return;
        }
        final Telemetry telemetry = new Telemetry();
        Registry registry = new Registry(config.maxContexts, config.contextFloorPercent, config.contextIdleFlushes,
                Recorder.defaultStripes(), config.constantTags);
        Recorder recorder = new Recorder(registry, telemetry, Recorder.defaultStripes(), config.queueSize);
        final AtomicReference<byte[]> origin = new AtomicReference<byte[]>(new byte[0]);
        final boolean weaving = inst != null;
        long offset = ThreadLocalRandom.current().nextLong(config.flushIntervalMillis);
        Aggregator aggregator = new Aggregator(recorder, new Aggregator.PackerFactory() {
            @Override
            public Packer create() {
                awaitPremainReturned();
                started(config, weaving, lateAttach, t0);
                byte[] suffix = Origin.suffix(config);
                origin.set(suffix);
                return new Packer(Transports.create(config, telemetry), telemetry, suffix);
            }
        }, telemetry, config.flushIntervalMillis, offset, config.maxSamplesPerContext,
                config.telemetryEnabled, Aggregator.Clock.SYSTEM);
        BridgeSink sink = new BridgeSink(recorder,
                new EventQueue(aggregator, registry.constantTags(), origin), telemetry);
        Bridge.install(sink);
        aggregator.addTickTask(new Samplers(config, recorder, offset));
        aggregator.start();
        running = aggregator;
        try {
            if (inst != null) { // each enabled instrumentation wires its own runtime side onto the sink
                Instrumenter.install(inst, config, new AgentServices(recorder, telemetry, sink), lateAttach);
            }
        } catch (Throwable t) {
            Log.error("instrumentation disabled: " + t + " (the API, counts and samplers still work)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                running.stop(2000);
            }
        }, "dsd-agent-shutdown"));
    }

    /** Called by the trampoline as {@code premain}/{@code agentmain} returns: the agent thread may do I/O. */
    public static void premainReturned() {
        premainNanos = System.nanoTime();
        PREMAIN_RETURNED.countDown();
    }

    private static void awaitPremainReturned() {
        boolean interrupted = false;
        while (true) {
            try {
                PREMAIN_RETURNED.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The start-up line, on the agent thread; the time is until {@code premain} returned. */
    private static void started(Config config, boolean weaving, boolean lateAttach, long t0) {
        Log.info("dsd-agent " + Version.get() + " sending to " + config.destination
                + " (" + config.destinationSource + "), flush every " + config.flushIntervalMillis + " ms"
                + (config.constantTags.isEmpty() ? "" : ", tags " + String.join(",", config.constantTags))
                + "; instrumenting " + (!weaving ? "nothing" : Instrumenter.enabledNames(config))
                + "; sampling " + sampled(config)
                + (lateAttach ? "; late attach" : "")
                + "; started in " + (premainNanos - t0) / 1000000 + " ms");
    }

    /** What the samplers will send, for the start-up line (runtime metrics may still step aside for dd-java-agent). */
    private static String sampled(Config config) {
        java.util.List<String> s = new java.util.ArrayList<String>(2);
        if (config.sockstatEnabled) {
            s.add("sockstat");
        }
        if (!Boolean.FALSE.equals(config.runtimeMetricsEnabled)) {
            s.add("jvm runtime");
        }
        return s.isEmpty() ? "nothing" : String.join(",", s);
    }
}
