package io.dsdagent.agent.sample;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * The background samplers, run as a task of the aggregator thread (no thread of their own). Nothing is
 * read or registered in {@code premain}, nor at once after it: they are set up at the first tick after
 * the agent's first flush and at least {@link #SETUP_DELAY_MILLIS} after the agent started, once the JVM
 * has loaded no class for {@link #QUIET_MILLIS} (the application's start is over), and at the latest
 * {@link #SETUP_LIMIT_MILLIS} after the agent started (a JVM that never stops loading classes still gets
 * them). So their set-up (about 80 JDK {@code management} classes, some 50 ms of CPU) stays out of the
 * application's start-up even when the first flush falls inside it (the flush offset is random: with a
 * 10 s interval, a Spring Boot jar's 3 s start used to take it in about one start in four, issue 18), and
 * a JVM that exits before then (a short-lived {@code main}) never pays for it: its exit flush sends what
 * it recorded, without {@code jvm.*} or {@code sockstat.*}. Each sampler samples on
 * wall-clock multiples of its interval, shifted by the process's flush offset and taken one second before the
 * flush, so every flush carries a fresh value; the values are gauges, sent as timestamped lines.
 */
public final class Samplers implements Runnable {
    /** Lead of a sample before the flush it feeds. */
    static final long LEAD_MILLIS = 1000;
    /** The samplers are not set up sooner than this after the agent started, even if it flushed before. */
    static final long SETUP_DELAY_MILLIS = 1000;
    /** Class loading must have been quiet this long (no class handed to the agent's transformer). */
    static final long QUIET_MILLIS = 500;
    /** The samplers are set up by this long after the agent started, quiet or not. */
    static final long SETUP_LIMIT_MILLIS = 30000;

    private final Config config;
    private final Recorder recorder;
    private final Registry registry;
    private final long offsetMillis;
    private final String procRoot;
    /** Wall-clock time of the first tick that may set the samplers up. */
    private final long setUpAt;
    /** Wall-clock time from which they are set up even while classes still load. */
    private final long setUpBy;
    /** Classes the JVM has handed the agent so far (a count that only grows; it need not be exact). */
    private final IntSupplier classLoads;
    private int lastClassLoads = -1;
    /** Wall-clock time of the first tick that saw the current class count. */
    private long quietSince;
    private boolean initialized;
    /** Null until decided ({@link #announce}). */
    private Boolean runtimeOn;

    private SockstatSampler sockstat;
    private int[] sockstatIds;
    private int unparsedId = -1;
    private long sockstatInterval;
    private long nextSockstat;

    private RuntimeSampler runtime;
    private int[] runtimeIds;
    private long runtimeInterval;
    private long nextRuntime;

    /**
     * {@code firstFlushMillis}: wall-clock time of the aggregator's first flush; the samplers are set up
     * at the first tick after it, no sooner than {@link #SETUP_DELAY_MILLIS} from now, once
     * {@code classLoads} (the classes the JVM has handed the agent's transformer) has not moved for
     * {@link #QUIET_MILLIS}, and at the latest {@link #SETUP_LIMIT_MILLIS} from now.
     */
    public Samplers(Config config, Recorder recorder, long offsetMillis, long firstFlushMillis, IntSupplier classLoads) {
        this(config, recorder, offsetMillis, "/proc", System.currentTimeMillis(), firstFlushMillis, classLoads);
    }

    /** {@code startMillis}: when the agent started, by the wall clock {@link #run(long)} is given. */
    Samplers(Config config, Recorder recorder, long offsetMillis, String procRoot, long startMillis,
             long firstFlushMillis, IntSupplier classLoads) {
        this.config = config;
        this.recorder = recorder;
        this.registry = recorder.registry();
        this.offsetMillis = offsetMillis;
        this.procRoot = procRoot;
        this.setUpAt = Math.max(firstFlushMillis, startMillis + SETUP_DELAY_MILLIS);
        this.setUpBy = Math.max(setUpAt, startMillis + SETUP_LIMIT_MILLIS);
        this.classLoads = classLoads;
    }

    @Override
    public void run() {
        run(System.currentTimeMillis());
    }

    /** One tick at wall-clock time {@code now}. */
    void run(long now) {
        if (!initialized) {
            boolean quiet = quiet(now);
            if (now < setUpAt || !quiet && now < setUpBy) {
                return;
            }
            initialized = true;
            init(now);
        }
        if (sockstat != null && now >= nextSockstat) {
            nextSockstat = next(now, sockstatInterval);
            sampleSockstat();
        }
        if (runtime != null && now >= nextRuntime) {
            nextRuntime = next(now, runtimeInterval);
            runtime.sample(System.nanoTime());
            publish(runtime.values(), runtimeIds);
        }
    }

    /** Whether no class has been loaded since a tick at least {@link #QUIET_MILLIS} before {@code now}. */
    private boolean quiet(long now) {
        int n = classLoads.getAsInt();
        if (n != lastClassLoads) {
            lastClassLoads = n;
            quietSince = now;
        }
        return now - quietSince >= QUIET_MILLIS;
    }

    /** Set up yet (tests). */
    boolean initialized() {
        return initialized;
    }

    /**
     * Decides, with the agent's start-up line and long before the samplers are set up, whether runtime
     * metrics run: they step aside for dd-java-agent, and one line says so at start. Agent thread only.
     */
    public void announce() {
        runtimeOn();
    }

    private boolean runtimeOn() {
        if (runtimeOn == null) {
            boolean on = config.runtimeMetricsEnabled == null ? !ddJavaAgentAttached() : config.runtimeMetricsEnabled;
            if (config.runtimeMetricsEnabled == null && !on) {
                Log.info("dd-java-agent is attached and sends jvm.* runtime metrics itself; ours are off"
                        + " (DSD_AGENT_RUNTIME_METRICS_ENABLED=true turns them on)");
            }
            runtimeOn = on;
        }
        return runtimeOn;
    }

    /** The next sample time after {@code now}: a multiple of the interval, plus offset, minus the lead. */
    long next(long now, long interval) {
        long shift = ((offsetMillis - LEAD_MILLIS) % interval + interval) % interval;
        return ((now - shift) / interval + 1) * interval + shift;
    }

    private void init(long now) {
        if (config.sockstatEnabled) {
            initSockstat(now);
        }
        if (runtimeOn()) {
            try {
                runtime = new RuntimeSampler();
                List<RuntimeSampler.Series> series = runtime.series();
                runtimeIds = new int[series.size()];
                for (int i = 0; i < runtimeIds.length; i++) {
                    runtimeIds[i] = registry.register(Registry.GAUGE, series.get(i).name, series.get(i).tags);
                }
                runtimeInterval = config.flushIntervalMillis;
                runtime.sample(System.nanoTime()); // baseline for the GC rates
                publish(runtime.values(), runtimeIds);
                nextRuntime = next(now, runtimeInterval);
            } catch (Throwable t) {
                runtime = null;
                Log.warn("JVM runtime metrics are off: " + t);
            }
        }
    }

    private void initSockstat(long now) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            Log.info("sockstat metrics are off: not Linux");
            return;
        }
        SockstatSampler s = new SockstatSampler(procRoot);
        try {
            s.probe();
        } catch (Exception e) {
            s.close();
            Log.info("sockstat metrics are off: cannot read " + procRoot + "/net/sockstat (" + e.getMessage() + ")");
            return;
        }
        String prefix = config.sockstatPrefix;
        sockstatIds = new int[SockstatSampler.NAMES.length];
        for (int i = 0; i < sockstatIds.length; i++) {
            sockstatIds[i] = registry.register(Registry.GAUGE, prefix + SockstatSampler.NAMES[i]);
        }
        if (config.telemetryEnabled) {
            unparsedId = registry.register(Registry.COUNT, "dsd_agent.sockstat.unparsed_lines");
        }
        sockstat = s;
        sockstatInterval = config.sockstatIntervalMillis;
        nextSockstat = now; // first sample at once
    }

    private void sampleSockstat() {
        try {
            int bad = sockstat.sample();
            publish(sockstat.values(), sockstatIds);
            if (bad > 0 && unparsedId >= 0) {
                recorder.count(unparsedId, bad);
            }
        } catch (Exception e) {
            Log.warnOnce("sockstat-read", "could not read sockstat, will retry: " + e);
        }
    }

    private void publish(double[] values, int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            double v = values[i];
            if (ids[i] >= 0 && !Double.isNaN(v) && !Double.isInfinite(v)) {
                recorder.gauge(ids[i], v);
            }
        }
    }

    /** dd-java-agent's premain class is on the system class path once it is attached. */
    static boolean ddJavaAgentAttached() {
        try {
            return ClassLoader.getSystemResource("datadog/trace/bootstrap/AgentBootstrap.class") != null;
        } catch (Throwable t) {
            return false;
        }
    }
}
