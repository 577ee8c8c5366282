package io.dsdagent.agent.startup;

import io.dsdagent.agent.BootDefiner;
import io.dsdagent.agent.aggregate.Aggregator;
import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.instrument.AgentServices;
import io.dsdagent.agent.instrument.BridgeSink;
import io.dsdagent.agent.instrument.Instrumenter;
import io.dsdagent.agent.instrument.WeavingTransformer;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.sample.Samplers;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.transport.Transports;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * Starts the agent. Called by the trampoline {@code io.dsdagent.agent.AgentMain}; any failure disables
 * the agent with one line.
 *
 * <p>{@code premain} loads only what must exist before the first application class loads (issue 18):
 * the config, the transformers with their prefilter, the agent's thread and the shutdown hook.
 * Everything else is built once, on first need, by whichever comes first: the agent's thread, the
 * first class the transformer weaves, or the shutdown hook. That is the {@link Core} (recorder,
 * aggregator), and then, for weaving only, the bridge: defined in the boot loader ({@link BootDefiner})
 * and the agent's sink installed in it ({@link #services}); woven code must find both, and nothing else
 * refers to the bridge. The shutdown hook builds no bridge: the exit flush needs only the core.
 *
 * <p>No I/O happens in {@code premain} (STYLE rule 2, DECISIONS "Samplers"): the agent's thread builds
 * the core (no I/O), then waits at {@link #PREMAIN_RETURNED} until the trampoline calls
 * {@link #premainReturned()} on its way out; only then does it read the container id, open the socket,
 * define the bridge and print the start-up line. The samplers come later still ({@link Samplers}).
 */
public final class Starter implements Runnable, AgentServices.Lazy {
    /** What an instance does (one class for all three): the agent's thread, the shutdown hook, the lazy core. */
    private static final int AGENT_THREAD = 0;
    private static final int SHUTDOWN = 1;
    private static final int CORE = 2;

    /** Opened by the trampoline when {@code premain}/{@code agentmain} returns; the agent thread waits for it. */
    private static final CountDownLatch PREMAIN_RETURNED = new CountDownLatch(1);
    /** {@code System.nanoTime()} when the trampoline returned, for the start-up line. */
    private static volatile long premainNanos;

    private static Config config;
    private static Thread agentThread;
    /** Null when nothing is to be woven (no instrumentation to install, or the bridge failed). */
    private static volatile Instrumentation inst;
    private static boolean lateAttach;
    private static long t0;
    /** Set by the shutdown hook: the agent's thread then defines no bridge. */
    private static volatile boolean exiting;
    /** Guarded by {@code Starter.class}; null until built. */
    private static Core core;
    private static boolean coreFailed;
    /** Guarded by {@code Starter.class}; null until the bridge is defined and its sink installed. */
    private static AgentServices services;
    private static boolean bridgeTried;

    private final int task;

    private Starter(int task) {
        this.task = task;
    }

    /** {@code t0}: {@code System.nanoTime()} when the JVM entered {@code premain}/{@code agentmain}. */
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
            Starter.inst = inst;
            Starter.lateAttach = lateAttach;
            Starter.t0 = t0;
            Thread t = new Thread(new Starter(AGENT_THREAD), "dsd-agent-aggregator");
            t.setDaemon(true);
            agentThread = t;
        }
        agentThread.start(); // it waits for premain to return
        try {
            if (inst != null) { // each instrumentation wires its runtime side onto the sink when it first weaves
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

    /**
     * The agent's thread builds the core at once (no I/O: it overlaps {@code premain} and the
     * application's start), then waits for {@code premain} to return before anything else; the
     * shutdown hook builds nothing but the core, and sends the exit flush.
     */
    @Override
    public void run() {
        if (task == AGENT_THREAD) {
            Core c = core(); // no I/O: while premain still runs, on the other core
            awaitPremainReturned();
            if (c != null) {
                c.addSamplers();
                c.aggregator.run(); // its packer factory defines the bridge, unless the JVM is already exiting
            }
        } else if (task == SHUTDOWN) {
            exiting = true;
            Core c = core(); // built here if the agent's thread had not yet: the exit flush still goes out
            if (c != null) {
                c.aggregator.stop(2000);
            }
        }
    }

    /** The agent's runtime side, for the instrumentations: built on the first class they weave. */
    @Override
    public AgentServices get() {
        return services();
    }

    /**
     * Defines the bridge in the boot loader and installs the agent's sink in it, once; null when that
     * failed (one line said so: nothing is woven, the rest of the agent runs) or the core did.
     */
    static synchronized AgentServices services() {
        Core c = core();
        if (c == null || bridgeTried) {
            return services;
        }
        bridgeTried = true;
        try {
            BootDefiner.defineBridge(inst, Starter.class);
        } catch (Throwable t) {
            inst = null;
            Log.error("instrumentation disabled: could not define the bridge in the boot loader (" + t
                    + "); runtime metrics and sockstat still run");
            return null;
        }
        services = c.installBridge();
        return services;
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

    /**
     * The agent once started: recorder and aggregator (run by the agent's thread). Nothing here refers
     * to the bridge until {@link #installBridge}: an agent class that resolved a bridge class before the
     * bridge is defined in the boot loader would get the jar's own copy in the application loader.
     */
    static final class Core {
        final Config config;
        final Telemetry telemetry;
        final Recorder recorder;
        final Aggregator aggregator;
        final long offset;
        final long firstFlush;
        /** Agent thread only; null on a JVM that exits before the agent's thread adds them. */
        Samplers samplers;
        final AtomicReference<byte[]> origin = new AtomicReference<byte[]>(new byte[0]);

        Core(final Config config, Thread thread) {
            this.config = config;
            telemetry = new Telemetry();
            Registry registry = new Registry(config.maxContexts, config.contextFloorPercent, config.contextIdleFlushes,
                    Recorder.defaultStripes(), config.constantTags);
            recorder = new Recorder(registry, telemetry, Recorder.defaultStripes(), config.queueSize);
            offset = ThreadLocalRandom.current().nextLong(config.flushIntervalMillis);
            firstFlush = Aggregator.firstFlushMillis(System.currentTimeMillis(), config.flushIntervalMillis, offset);
            aggregator = new Aggregator(recorder, new Aggregator.PackerFactory() {
                @Override
                public Packer create() {
                    awaitPremainReturned();
                    byte[] suffix = Origin.suffix(config);
                    origin.set(suffix);
                    Packer packer = new Packer(Transports.create(config, telemetry), telemetry, suffix);
                    // after the transport, so a short main's exit flush does not wait for a bridge it never needs
                    if (inst != null && !exiting) {
                        services(); // before the start-up line, which says whether anything is woven
                    }
                    started(config);
                    if (samplers != null) {
                        samplers.announce();
                    }
                    return packer;
                }
            }, telemetry, config.flushIntervalMillis, offset, config.maxSamplesPerContext,
                    config.telemetryEnabled, Aggregator.Clock.SYSTEM);
            aggregator.bind(thread);
        }

        /** Agent thread, after premain: the samplers, set up later by their own rule ({@link Samplers}). */
        void addSamplers() {
            samplers = new Samplers(config, recorder, offset, firstFlush, new IntSupplier() {
                @Override
                public int getAsInt() {
                    return WeavingTransformer.classesSeen();
                }
            });
            aggregator.addTickTask(samplers);
        }

        /** Once the bridge is defined: installs the agent's sink in it; the services the modules wire onto. */
        AgentServices installBridge() {
            return BridgeSink.install(recorder, new EventQueue(aggregator, recorder.registry().constantTags(), origin),
                    telemetry);
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
                + "; instrumenting " + (inst == null ? "nothing" : Instrumenter.enabledNames(config))
                + "; sampling " + sampled(config)
                + (lateAttach ? "; late attach" : "")
                + "; started in " + (premainNanos - t0) / 1000000 + " ms");
        if (inst != null) {
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
