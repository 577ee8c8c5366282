package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.record.Registry;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The single source of truth for settings: reads each {@link Setting} (an agent argument wins over the
 * {@code -D} property, which wins over the environment variable; see {@link AgentArgs}), validates it, and on a bad value prints one line naming the setting and the
 * default used instead. Never throws: the application always starts.
 */
public final class Config {
    private final Map<String, String> env;
    private final Properties props;
    /** Settings given as agent arguments, by environment name: they win over properties and environment. */
    private final Map<String, String> args;

    public final boolean enabled;
    public final int logLevel;
    public final Destination destination;
    /** Where {@link #destination} came from, for the start-up line and {@code java -jar}. */
    public final String destinationSource;
    public final List<String> constantTags;
    public final long flushIntervalMillis;
    /** Wait budget per flush for a full Unix socket (see {@code transport.SendWait}); within a quarter of the interval. */
    public final long sendWaitMillis;
    public final int maxPacketSize;
    public final int maxContexts;
    /** Percent of the cap reserved for each capped source. */
    public final int contextFloorPercent;
    /** Idle flushes before a context is evicted. */
    public final int contextIdleFlushes;
    public final int maxSamplesPerContext;
    public final int queueSize;
    public final boolean telemetryEnabled;
    public final boolean originDetection;
    public final String externalEnv;
    public final String cardinality;
    public final boolean sockstatEnabled;
    public final long sockstatIntervalMillis;
    public final String sockstatPrefix;
    /** Null when not set: then on unless dd-java-agent is attached. */
    public final Boolean runtimeMetricsEnabled;
    /** Registry type of timed methods by default: {@code TIMER}, or {@code HISTOGRAM}/{@code DISTRIBUTION} with the nanos flag. */
    public final int timerType;
    /** {@code DSD_AGENT_TIMED_METHODS}: class name -> method names ({@code *} for all). */
    public final Map<String, java.util.Set<String>> timedMethods;
    /** Micrometer's annotations are honoured (both of their switches are on). */
    public final boolean micrometerAnnotations;
    /** Registry type of http.server.requests: histogram, distribution or timer. */
    public final int httpType;
    public final int httpMaxContexts;

    public Config(Map<String, String> env, Properties props, FileCheck files) {
        this(env, props, java.util.Collections.<String, String>emptyMap(), files);
    }

    /** {@code args}: settings from the agent arguments ({@link AgentArgs#parse}), by environment name. */
    public Config(Map<String, String> env, Properties props, Map<String, String> args, FileCheck files) {
        this.env = env;
        this.props = props;
        this.args = args;
        this.enabled = bool(Setting.DSD_AGENT_ENABLED);
        String lvlRaw = raw(Setting.DSD_AGENT_LOG_LEVEL);
        int lvl = lvlRaw == null ? Log.INFO : Log.parseLevel(lvlRaw);
        if (lvl == -1) {
            warnInvalid(Setting.DSD_AGENT_LOG_LEVEL, "is not one of error, warn, info, debug, off", "info");
            lvl = Log.INFO;
        }
        this.logLevel = lvl;
        String[] src = new String[1];
        this.destination = Destination.resolve(this, files, src);
        this.destinationSource = src[0];
        this.constantTags = ConstantTags.of(this);
        // at least 1 s: each flush stamps a distinct second, so a context never gets two points in one second
        this.flushIntervalMillis = duration(Setting.DSD_AGENT_FLUSH_INTERVAL, 1000, 3_600_000);
        this.sendWaitMillis = sendWait();
        String mps = raw(Setting.DSD_AGENT_MAX_PACKET_SIZE);
        int defaultPacket = destination.isUnix() ? 8192 : 1432;
        this.maxPacketSize = mps == null ? defaultPacket
                : intValue(Setting.DSD_AGENT_MAX_PACKET_SIZE, mps, 512, 65_000, defaultPacket);
        this.maxContexts = intSetting(Setting.DSD_AGENT_MAX_CONTEXTS, 16, 10_000_000);
        this.contextFloorPercent = intSetting(Setting.DSD_AGENT_CONTEXT_FLOOR, 0, 33);
        this.contextIdleFlushes = intSetting(Setting.DSD_AGENT_CONTEXT_IDLE_FLUSHES, 1, 100);
        this.maxSamplesPerContext = intSetting(Setting.DSD_AGENT_MAX_SAMPLES_PER_CONTEXT, 1, 1_000_000);
        this.queueSize = intSetting(Setting.DSD_AGENT_QUEUE_SIZE, 1024, 64 * 1024 * 1024);
        this.telemetryEnabled = bool(Setting.DSD_AGENT_TELEMETRY_ENABLED);
        this.originDetection = bool(Setting.DD_ORIGIN_DETECTION_ENABLED);
        this.externalEnv = raw(Setting.DD_EXTERNAL_ENV);
        // DATADOG_CARDINALITY is the older spelling the Datadog clients also read
        this.cardinality = raw(Setting.DD_CARDINALITY) != null ? raw(Setting.DD_CARDINALITY) : raw("DATADOG_CARDINALITY");
        this.sockstatEnabled = bool(Setting.DSD_AGENT_SOCKSTAT_ENABLED);
        this.sockstatIntervalMillis = duration(Setting.DSD_AGENT_SOCKSTAT_INTERVAL, 1000, 3_600_000);
        this.sockstatPrefix = MetricPrefix.of(this, Setting.DSD_AGENT_SOCKSTAT_PREFIX);
        this.runtimeMetricsEnabled = raw(Setting.DSD_AGENT_RUNTIME_METRICS_ENABLED) == null ? null
                : bool(Setting.DSD_AGENT_RUNTIME_METRICS_ENABLED);
        this.timerType = timerTypeSetting();
        this.timedMethods = TimedMethodsSetting.parse(raw(Setting.DSD_AGENT_TIMED_METHODS));
        this.micrometerAnnotations = bool(Setting.DSD_AGENT_MICROMETER_ANNOTATIONS) && instrumentationEnabled("micrometer");
        this.httpType = metricType(Setting.DSD_AGENT_HTTP_TYPE);
        this.httpMaxContexts = intSetting(Setting.DSD_AGENT_HTTP_MAX_CONTEXTS, 16, 1_000_000);
    }

    /**
     * DSD_AGENT_SEND_WAIT, held to a quarter of the flush interval: while the aggregator waits it does
     * not drain the record queue, and the next flush must not start late. The default shrinks silently
     * with a short interval; a value set above the quarter is lowered with one line.
     */
    private long sendWait() {
        long w = duration(Setting.DSD_AGENT_SEND_WAIT, 0, 10_000);
        long limit = flushIntervalMillis / 4;
        if (w > limit) {
            String set = raw(Setting.DSD_AGENT_SEND_WAIT);
            // only a value the user set and that was taken: an invalid one has had its line, with the default
            if (set != null && Durations.parseMillis(set) == w) {
                Log.warn(Setting.DSD_AGENT_SEND_WAIT.env() + "='" + set
                        + "' is more than a quarter of the flush interval (" + flushIntervalMillis + "ms); using "
                        + limit + "ms");
            }
            return limit;
        }
        return w;
    }

    /** The configuration of this process: its environment and system properties. */
    public static Config fromSystem() {
        return fromSystem(null);
    }

    /** The configuration of this process with the settings in {@code agentArgs} (may be null) on top. */
    public static Config fromSystem(String agentArgs) {
        return new Config(System.getenv(), System.getProperties(), AgentArgs.parse(agentArgs), FileCheck.REAL);
    }

    /** Checks whether a path exists; replaced in tests. */
    public interface FileCheck {
        FileCheck REAL = new FileCheck() {
            @Override
            public boolean exists(String path) {
                return new File(path).exists();
            }
        };

        boolean exists(String path);
    }

    /**
     * The raw value of any variable by its environment name: agent argument first, then property, then
     * environment; null if unset or blank.
     */
    public String raw(String envName) {
        String v = args.get(envName);
        if (v == null) {
            v = props.getProperty(Setting.propertyOf(envName));
        }
        if (v == null) {
            v = env.get(envName);
        }
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    public String raw(Setting s) {
        return raw(s.env());
    }

    /** A boolean setting by environment name; an unparsable value warns and gives {@code def}. */
    public boolean bool(String envName, boolean def) {
        String v = raw(envName);
        if (v == null) {
            return def;
        }
        String l = v.toLowerCase(Locale.ROOT);
        if (l.equals("true") || l.equals("1") || l.equals("yes") || l.equals("y") || l.equals("on")) {
            return true;
        }
        if (l.equals("false") || l.equals("0") || l.equals("no") || l.equals("n") || l.equals("off")) {
            return false;
        }
        Log.warn(envName + "='" + v + "' is not a boolean; using " + def);
        return def;
    }

    public boolean bool(Setting s) {
        return bool(s.env(), Boolean.parseBoolean(s.defaultValue()));
    }

    /** A duration in milliseconds: {@code 10} and {@code 10s} are seconds, {@code 500ms}, {@code 2m}. */
    public long duration(Setting s, long minMillis, long maxMillis) {
        return duration(s.env(), s.defaultValue(), minMillis, maxMillis);
    }

    public long duration(String envName, String def, long minMillis, long maxMillis) {
        long d = Durations.parseMillis(def);
        String v = raw(envName);
        if (v == null) {
            return d;
        }
        long parsed = Durations.parseMillis(v);
        if (parsed < 0) {
            Log.warn(envName + "='" + v + "' is not a duration (10, 10s, 500ms, 1m, 1h); using " + def);
            return d;
        }
        if (parsed < minMillis || parsed > maxMillis) {
            Log.warn(envName + "='" + v + "' is out of range (" + minMillis + "ms.." + maxMillis + "ms); using " + def);
            return d;
        }
        return parsed;
    }

    private int intSetting(Setting s, int min, int max) {
        String v = raw(s);
        int def = Integer.parseInt(s.defaultValue());
        return v == null ? def : intValue(s, v, min, max, def);
    }

    private static int intValue(Setting s, String v, int min, int max, int def) {
        long n = parseNonNegative(v);
        if (n < 0) {
            Log.warn(s.env() + "='" + v + "' is not a number; using " + def);
            return def;
        }
        if (n < min || n > max) {
            Log.warn(s.env() + "='" + v + "' is out of range (" + min + ".." + max + "); using " + def);
            return def;
        }
        return (int) n;
    }

    /** A decimal of at most 10 digits; -1 if it is not one. */
    static long parseNonNegative(String v) {
        if (v.isEmpty() || v.length() > 10) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private void warnInvalid(Setting s, String why, String using) {
        Log.warn(s.env() + "='" + raw(s) + "' " + why + "; using " + using);
    }

    /** DSD_AGENT_TIMER_TYPE as a registry type of nanosecond values ({@link MetricType#ofNanos}). */
    private int timerTypeSetting() {
        String v = raw(Setting.DSD_AGENT_TIMER_TYPE);
        int t = v == null ? Registry.TIMER : MetricType.ofNanos(v);
        if (t < 0) {
            warnInvalid(Setting.DSD_AGENT_TIMER_TYPE, "is not ms, h or d", "ms");
            t = Registry.TIMER;
        }
        return t;
    }

    /** A value metric type setting ({@link MetricType#parse}); histogram when unset or invalid. */
    private int metricType(Setting s) {
        String v = raw(s);
        int t = MetricType.parse(v == null ? s.defaultValue() : v);
        if (t < 0) {
            warnInvalid(s, "is not one of h, d, ms", "h");
            t = Registry.HISTOGRAM;
        }
        return t;
    }

    /** {@code DSD_AGENT_INSTRUMENTATION_<NAME>_ENABLED}, default true. */
    public boolean instrumentationEnabled(String name) {
        return bool("DSD_AGENT_INSTRUMENTATION_" + name.toUpperCase(Locale.ROOT) + "_ENABLED", true);
    }
}
