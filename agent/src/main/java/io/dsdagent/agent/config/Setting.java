package io.dsdagent.agent.config;

import java.util.Locale;

/**
 * Every setting the agent reads: the environment variable, its {@code -D} property (which wins), the
 * default and what it means. The README's configuration table is this list; {@code SettingsDocTest}
 * keeps the two in step.
 */
public enum Setting {
    DD_DOGSTATSD_URL("", "Where to send: udp://host:port, unix:///path or unixgram:///path (datagram), unixstream:///path (Java 16+)."),
    DD_AGENT_HOST("127.0.0.1", "Datadog Agent host for UDP (used when DD_DOGSTATSD_URL is unset)."),
    DD_DOGSTATSD_PORT("8125", "Datadog Agent DogStatsD UDP port."),
    DD_ENV("", "Tag env:<value> on everything; overrides env in DD_TAGS."),
    DD_SERVICE("", "Tag service:<value> on everything; overrides service in DD_TAGS."),
    DD_VERSION("", "Tag version:<value> on everything; overrides version in DD_TAGS."),
    DD_TAGS("", "Constant tags, key:value separated by commas or spaces."),
    DD_ENTITY_ID("", "Pod UID (set by the admission controller); sent as tag dd.internal.entity_id."),
    DD_ORIGIN_DETECTION_ENABLED("true", "Send the container ID (|c:) found in /proc for origin detection."),
    DD_EXTERNAL_ENV("", "Admission controller's external data; sent as |e: while origin detection is on."),
    DD_CARDINALITY("", "Tag cardinality for origin enrichment (none, low, orchestrator, high); sent as |card:. DATADOG_CARDINALITY is read if unset."),
    DSD_AGENT_ENABLED("true", "false turns the agent off entirely (nothing is instrumented or sent)."),
    DSD_AGENT_LOG_LEVEL("info", "Agent log level on stderr: error, warn, info, debug, off."),
    DSD_AGENT_FLUSH_INTERVAL("10s", "Flush interval (1 s to 1 h), aligned to wall-clock multiples (10, 10s, 1500ms)."),
    DSD_AGENT_MAX_PACKET_SIZE("", "Maximum datagram/frame payload in bytes; default 1432 for UDP, 8192 for Unix sockets."),
    DSD_AGENT_MAX_CONTEXTS("10000", "Cap on live metric contexts (name + tags) of the API, annotated methods and HTTP; the agent's own telemetry and jvm.*/sockstat.* are outside it. New contexts beyond it are refused and their samples dropped and counted, until idle contexts are evicted."),
    DSD_AGENT_CONTEXT_FLOOR("10", "Percent of DSD_AGENT_MAX_CONTEXTS reserved for each of the API, annotated methods and HTTP (0 to 33); the rest is shared, first come."),
    DSD_AGENT_CONTEXT_IDLE_FLUSHES("5", "A context that received nothing for this many flushes (1 to 100) is evicted and frees its place under the cap; a handle kept by the application registers it again on its next use."),
    DSD_AGENT_MAX_SAMPLES_PER_CONTEXT("1000", "Timer/histogram/distribution values kept per context per interval (and distinct set members); above it an unbiased sample is sent whose sample rates carry the exact count."),
    DSD_AGENT_QUEUE_SIZE("65536", "Value samples buffered between application threads and the aggregator in the shared queue; platform threads (up to this / 512, at most 1,024) also get a 256-sample buffer of their own, half as much again. When full, a timer/histogram/distribution value is not kept but still counted, a set member is dropped and counted."),
    DSD_AGENT_SEND_WAIT("1s", "Time per flush the agent's thread may wait for a full Unix socket to drain before it drops and counts (0 to 10 s, at most a quarter of the flush interval; the final flush at most 1 s)."),
    DSD_AGENT_TELEMETRY_ENABLED("true", "Send the agent's own dsd_agent.* metrics every flush."),
    DSD_AGENT_SOCKSTAT_ENABLED("true", "Sample /proc/net/sockstat and sockstat6 as sockstat.* gauges (Linux only)."),
    DSD_AGENT_SOCKSTAT_INTERVAL("10s", "How often sockstat is sampled (1 s to 1 h), aligned like the flush."),
    DSD_AGENT_SOCKSTAT_PREFIX("sockstat.", "Name prefix of the sockstat gauges."),
    DSD_AGENT_RUNTIME_METRICS_ENABLED("true", "Send JVM runtime metrics (jvm.*); off by default when dd-java-agent is also attached."),
    DSD_AGENT_TIMER_TYPE("ms", "Metric type of @Timed methods that do not set one, and of DSD_AGENT_TIMED_METHODS: ms (timer), h (histogram) or d (distribution); values in milliseconds."),
    DSD_AGENT_TIMED_METHODS("", "Methods to time without annotating them, as method.timed: com.acme.Foo[bar,baz];com.acme.Qux[*]. JDK classes (java., jdk., sun., com.sun.) are never instrumented: one line at start names any listed."),
    DSD_AGENT_MICROMETER_ANNOTATIONS("true", "Honour Micrometer's @Timed/@Counted (matched by name); false here or in DSD_AGENT_INSTRUMENTATION_MICROMETER_ENABLED turns it off."),
    DSD_AGENT_HTTP_TYPE("h", "Type of http.server.requests (values in ms): h (histogram), d (distribution) or ms (timer)."),
    DSD_AGENT_HTTP_MAX_CONTEXTS("1000", "Tag combinations of http.server.requests kept; requests beyond them are recorded as route:OVERFLOW."),
    DSD_AGENT_INSTRUMENTATION_HTTPSERVER_ENABLED("true", "Time requests of the JDK's built-in com.sun.net.httpserver server as http.server.requests (route: the context path); false: its classes are left as they are."),
    DSD_AGENT_INSTRUMENTATION_JBOSS_ENABLED("true", "Make the agent's bridge visible to JBoss Modules (WildFly, EAP) by extending jboss.modules.system.pkgs; false: classes of JBoss modules are not instrumented."),
    DSD_AGENT_INSTRUMENTATION_OSGI_ENABLED("true", "Make the agent's bridge visible to OSGi bundles (Felix, Equinox) by changing the framework's boot-delegation decision; false: bundle classes are not instrumented."),
    DSD_AGENT_INSTRUMENTATION_CLASSLOADER_ENABLED("true", "Let every other class loader (child-first webapp and plugin loaders, ones that hide packages) find the agent's bridge by a shortcut at the start of its loadClass; false: such loaders are left as they are.");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String env() {
        return name();
    }

    /** {@code DD_X_Y} -> {@code dd.x.y}, {@code DSD_AGENT_X_Y} -> {@code dsd.agent.x.y}. */
    public String property() {
        return propertyOf(name());
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static String propertyOf(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
