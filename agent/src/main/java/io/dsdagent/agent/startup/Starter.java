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
 * Starts the agent after the trampoline has defined the bridge. Called reflectively by
 * {@code io.dsdagent.agent.AgentMain}; any failure disables the agent with one line.
 *
 * <p>{@code premain} loads only what must exist before the first application class loads (issue 18):
 * the config, the transformers with their prefilter, the agent's thread (not yet running anything) and
 * the shutdown hook. Everything else is the agent's {@link Core} (recorder, aggregator, the bridge's
 * sink), built once, by whichever comes first: the agent's thread as soon as {@code premain} has
 * returned, or the first class the transformer weaves (woven code must find the sink installed), or the
 * shutdown hook. No I/O happens in {@code premain} (STYLE rule 2, DECISIONS "Samplers"): the agent's
 * thread waits at {@link #PREMAIN_RETURNED} until the trampoline calls {@link #premainReturned()} on its
 * way out; only then are the start-up line printed, the container id read, the socket opened; the
 * samplers come later still ({@link Samplers}).
 */
public final class Starter implements Runnable, AgentServices.Lazy {
    /** What the single class of the starter's tasks does: the agent's thread, the shutdown hook, or the lazy core. */
    private static final int AGENT_THREAD = 0;
    private static final int SHUTDOWN = 1;
    private static final int CORE = 2;

    /** Opened by the trampoline when {@code premain}/{@code agentmain} returns; the agent thread waits for it. */
    private static final CountDownLatch PREMAIN_RETURNED = new CountDownLatch(1);
    /** {@code System.nanoTime()} when the trampoline returned, for the start-up line. */
    private static volatile long premainNanos;

    private static Config config;
    private static Thread agentThread;
    private static boolean weaving;
    private static boolean lateAttach;
    private static long t0;
    /** Guarded by {@code Starter.class}; null until built. */
    private static Core core;
    private static boolean coreFailed;

    private final int task;

    private Starter(int task) {
        this.task = task;
    }

    /**
     * {@code t0}: {@code System.nanoTime()} when the JVM entered {@code premain}/{@code agentmain};
     * {@code inst} is null when the bridge could not be defined in the boot loader: nothing is woven.
     */
    public static void start(String agentArgs, Instrumentation inst, boolean lateAttach, long t0) {
        Config config = Config.fromSystem(agentArgs);
        Log.setLevel(config.logLevel);
        if (!config.enabled) {
            Log.info("disabled by DSD_AGENT_ENABLED=false; nothing is instrumented or sent");
            return;
        }
        synchronized (Starter.class) {
            if (agentThread != null) {
                Log.info("already running; ignoring a second attach");
                return;
            }
            Starter.config = config;
            Starter.weaving = inst != null;
            Starter.lateAttach = lateAttach;
            Starter.t0 = t0;
            Thread t = new Thread(new Starter(AGENT_THREAD), "dsd-agent-aggregator");
            t.setDaemon(true);
            agentThread = t;
        }
        agentThread.start(); // it waits for premain to return
        try {
            if (inst != null) { // each enabled instrumentation wires its own runtime side onto the sink when it weaves
                Instrumenter.install(inst, config, new Starter(CORE), lateAttach);
            }
        } catch (Throwable t) {
            Log.error("instrumentation disabled: " + t + " (the API, counts and samplers still work)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(new Starter(SHUTDOWN), "dsd-agent-shutdown"));
    }

    /** Called by the trampoline as {@code premain}/{@code agentmain} returns: the agent thread may do I/O. */
    public static void premainReturned() {
        premainNanos = System.nanoTime();
        PREMAIN_RETURNED.countDown();
    }

    @Override
    public void run() {
        if (task == AGENT_THREAD) {
            awaitPremainReturned();
            Core c = core();
            if (c != null) {
                c.aggregator.run();
            }
        } else if (task == SHUTDOWN) {
            Core c = core(); // built here if the agent's thread had not yet: the exit flush still goes out
            if (c != null) {
                c.aggregator.stop(2000);
            }
        }
    }

    /** The agent's runtime side, for the instrumentations: built on the first class they weave. */
    @Override
    public AgentServices get() {
        Core c = core();
        return c == null ? null : c.services;
    }

    /** Builds the core once (null if that failed: one line said so). */
    static synchronized Core core() {
        if (core == null && !coreFailed) {
            try {
                core = new Core(config, agentThread);
            } catch (Throwable t) {
                coreFailed = true;
                Log.error("agent disabled: could not start: " + t);
            }
        }
        return core;
    }

    /** The agent once started: recorder, aggregator (run by the agent's thread), the bridge's sink. */
    static final class Core {
        final Aggregator aggregator;
        final AgentServices services;

        Core(final Config config, Thread thread) {
            final Telemetry telemetry = new Telemetry();
            Registry registry = new Registry(config.maxContexts, config.contextFloorPercent, config.contextIdleFlushes,
                    Recorder.defaultStripes(), config.constantTags);
            Recorder recorder = new Recorder(registry, telemetry, Recorder.defaultStripes(), config.queueSize);
            final AtomicReference<byte[]> origin = new AtomicReference<byte[]>(new byte[0]);
            long offset = ThreadLocalRandom.current().nextLong(config.flushIntervalMillis);
            final Samplers samplers = new Samplers(config, recorder, offset,
                    Aggregator.firstFlushMillis(System.currentTimeMillis(), config.flushIntervalMillis, offset));
            aggregator = new Aggregator(recorder, new Aggregator.PackerFactory() {
                @Override
                public Packer create() {
                    awaitPremainReturned();
                    started(config);
                    samplers.announce();
                    byte[] suffix = Origin.suffix(config);
                    origin.set(suffix);
                    return new Packer(Transports.create(config, telemetry), telemetry, suffix);
                }
            }, telemetry, config.flushIntervalMillis, offset, config.maxSamplesPerContext,
                    config.telemetryEnabled, Aggregator.Clock.SYSTEM);
            BridgeSink sink = new BridgeSink(recorder,
                    new EventQueue(aggregator, registry.constantTags(), origin), telemetry);
            Bridge.install(sink);
            aggregator.addTickTask(samplers);
            aggregator.bind(thread);
            services = new AgentServices(recorder, telemetry, sink);
        }
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
    private static void started(Config config) {
        Log.info("dsd-agent " + Version.get() + " sending to " + config.destination
                + " (" + config.destinationSource + "), flush every " + config.flushIntervalMillis + " ms"
                + (config.constantTags.isEmpty() ? "" : ", tags " + String.join(",", config.constantTags))
                + "; instrumenting " + (!weaving ? "nothing" : Instrumenter.enabledNames(config))
                + "; sampling " + sampled(config)
                + (lateAttach ? "; late attach" : "")
                + "; started in " + (premainNanos - t0) / 1000000 + " ms");
        if (weaving) {
            Instrumenter.startLines(config);
        }
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
