package io.dsdagent.bench.overhead;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up, throughput and memory of the same Jetty 12 application ({@code StartupApp}: one servlet,
 * one annotated method) with no agent, dsd-agent, the OpenTelemetry Java agent and dd-java-agent, side
 * by side in one run, interleaved. Run by {@code ./bench.sh overhead}; see the README "Benchmarks".
 *
 * <ul>
 * <li>start-up: launch to the first HTTP 200, median of N runs, on JDK 17 (default CDS) and on JDK 25 with
 * an AOT cache trained with each configuration;</li>
 * <li>throughput: wrk on loopback, same threads, connections and duration for each, after a warm-up;</li>
 * <li>memory: RSS of the process and heap in use after a full GC, after the throughput run.</li>
 * </ul>
 * It also times a Spring Boot executable jar's start-up ({@link SpringBootStartup}).
 * Every agent sends to a UDP sink of this harness; nothing else is reachable (no Datadog Agent, no
 * OpenTelemetry collector: its exporters are {@code none}).
 */
public final class Overhead {
    static final class Cfg {
        final String name;
        final List<String> jvmArgs;
        final Map<String, String> env;

        Cfg(String name, List<String> jvmArgs, Map<String, String> env) {
            this.name = name;
            this.jvmArgs = jvmArgs;
            this.env = env;
        }
    }

    private final Path work;
    private final String cp;
    final List<Cfg> cfgs = new ArrayList<>();
    private final int sinkPort;

    Overhead(Path work, String cp, String agentJar, String otelJar, String ddJar, int sinkPort) {
        this.work = work;
        this.cp = cp;
        this.sinkPort = sinkPort;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DD_AGENT_HOST", "127.0.0.1");
        env.put("DD_DOGSTATSD_PORT", Integer.toString(sinkPort));
        env.put("DD_SERVICE", "overhead");
        cfgs.add(new Cfg("no agent", List.of(), env));
        cfgs.add(new Cfg("dsd-agent", List.of("-javaagent:" + agentJar), env));
        cfgs.add(new Cfg("OpenTelemetry agent", List.of("-javaagent:" + otelJar, "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none", "-Dotel.service.name=overhead"), env));
        Map<String, String> ddEnv = new LinkedHashMap<>(env);
        ddEnv.put("DD_TRACE_AGENT_PORT", "9"); // nothing listens: no Datadog Agent
        cfgs.add(new Cfg("dd-java-agent", List.of("-javaagent:" + ddJar), ddEnv));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path work = Path.of(a.getOrDefault("work", "integration-tests/target/overhead")).toAbsolutePath();
        Files.createDirectories(work);
        String jdk17 = a.getOrDefault("jdk17", System.getProperty("java.home"));
        String jdk25 = a.getOrDefault("jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        int wrkSeconds = Integer.parseInt(a.getOrDefault("wrk-seconds", "15"));
        String parts = a.getOrDefault("parts", "startup,springboot,throughput");
        try (DatagramChannel sink = DatagramChannel.open()) {
            sink.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread drain = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(65536);
                while (true) {
                    try {
                        b.clear();
                        sink.receive(b);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "sink");
            drain.setDaemon(true);
            drain.start();
            Overhead o = new Overhead(work, a.get("cp"), a.get("agent"), a.get("otel"), a.get("dd"),
                    ((InetSocketAddress) sink.getLocalAddress()).getPort());
            System.out.println("# dsd-agent overhead benchmark: " + runs + " start-up runs per configuration, wrk "
                    + wrkSeconds + " s; " + Runtime.getRuntime().availableProcessors() + " CPUs; "
                    + new String(Files.readAllBytes(Path.of("/proc/loadavg"))).trim() + " (loadavg)");
            if (parts.contains("startup")) {
                o.startup("JDK 17, default CDS", jdk17, runs, false);
                if (new File(jdk25, "bin/java").canExecute()) {
                    o.startup("JDK 25, AOT cache trained with each", jdk25, runs, true);
                }
            }
            if (parts.contains("springboot")) {
                new SpringBootStartup(o, Path.of(a.get("springboot-jar")))
                        .run(jdk17, Integer.parseInt(a.getOrDefault("springboot-rounds", "5")));
            }
            if (parts.contains("throughput")) {
                o.throughput(jdk17, wrkSeconds, Integer.parseInt(a.getOrDefault("rounds", "2")));
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process launch(String jdk, Cfg c, List<String> extra, String... appArgs) throws IOException {
        List<String> app = new ArrayList<>(extra);
        app.add("-cp");
        app.add(cp);
        app.add("io.dsdagent.it.apps.StartupApp");
        app.addAll(Arrays.asList(appArgs));
        return launch(jdk, c, app);
    }

    /**
     * Starts {@code jdk}'s java with the configuration's JVM arguments, then {@code app} (more JVM
     * arguments and what to run), with only the configuration's agent variables in its environment.
     */
    Process launch(String jdk, Cfg c, List<String> app) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdk + "/bin/java");
        cmd.addAll(c.jvmArgs);
        cmd.addAll(app);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("DD_") || k.startsWith("DSD_AGENT_")
                || k.startsWith("OTEL_") || k.contains("JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(c.env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(work.resolve(c.name.replace(' ', '-') + ".log").toFile());
        pb.directory(work.toFile()); // crash reports (hs_err) land here, not in the repository
        return pb.start();
    }

    static String get(int port, String path) {
        try {
            HttpURLConnection h = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            h.setConnectTimeout(200);
            h.setReadTimeout(5000);
            if (h.getResponseCode() != 200) {
                return null;
            }
            try (InputStream in = h.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    /** Launch to first 200 on /hello, in milliseconds. */
    private double firstResponse(String jdk, Cfg c, List<String> extra) throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Process p = launch(jdk, c, extra, Integer.toString(port), "serve");
        try {
            awaitFirstResponse(p, port, c, t0);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            stop(p);
        }
    }

    /** Polls {@code /hello} until it answers 200; fails if the process exits or 120 s pass after {@code t0}. */
    void awaitFirstResponse(Process p, int port, Cfg c, long t0) throws InterruptedException {
        while (get(port, "/hello") == null) {
            if (!p.isAlive()) {
                throw new IllegalStateException(c.name + " exited; see " + work);
            }
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                throw new IllegalStateException(c.name + " did not answer within 120 s");
            }
            Thread.sleep(2);
        }
    }

    private void startup(String title, String jdk, int runs, boolean aot) throws Exception {
        Map<Cfg, List<String>> extra = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Cfg c : cfgs) {
            List<String> x = new ArrayList<>();
            if (aot) {
                Path cache = work.resolve(c.name.replace(' ', '-') + ".aot");
                Files.deleteIfExists(cache);
                Process train = launch(jdk, c, List.of("-XX:AOTCacheOutput=" + cache), "0", "once");
                boolean done = train.waitFor(300, TimeUnit.SECONDS);
                if (!done) {
                    train.destroyForcibly().waitFor();
                }
                if (!done || train.exitValue() != 0 || !Files.exists(cache)) {
                    notes.add(c.name + ": training its AOT cache failed (exit " + train.exitValue() + ", see "
                            + work.resolve(c.name.replace(' ', '-') + ".log") + "); measured without a cache");
                } else {
                    x.add("-XX:AOTCache=" + cache);
                }
            }
            extra.put(c, x);
        }
        Map<Cfg, List<Double>> times = new LinkedHashMap<>();
        for (Cfg c : cfgs) {
            firstResponse(jdk, c, extra.get(c)); // warm the file cache, not counted
            times.put(c, new ArrayList<>());
        }
        for (int r = 0; r < runs; r++) {
            for (Cfg c : rotated(r)) { // interleaved, each configuration in every position in turn
                times.get(c).add(firstResponse(jdk, c, extra.get(c)));
            }
        }
        double base = median(times.get(cfgs.get(0)));
        double bestPeer = Double.MAX_VALUE;
        for (Cfg c : cfgs.subList(2, cfgs.size())) {
            bestPeer = Math.min(bestPeer, median(times.get(c)) - base);
        }
        double ours = median(times.get(cfgs.get(1))) - base;
        System.out.println();
        System.out.println("## Start-up to first response: " + title);
        System.out.println("| configuration | median ms | min-max ms | added ms | dsd-agent's added time vs this |");
        System.out.println("|---|---|---|---|---|");
        for (Cfg c : cfgs) {
            List<Double> t = times.get(c);
            double m = median(t);
            double added = m - base;
            String ratio = c == cfgs.get(0) || c == cfgs.get(1) ? "" : String.format(Locale.ROOT, "1/%.1f", added / Math.max(ours, 1));
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %s | %s |%n", c.name, m, min(t), max(t),
                    c == cfgs.get(0) ? "" : String.format(Locale.ROOT, "%+.0f", added), ratio);
        }
        System.out.printf(Locale.ROOT, "dsd-agent adds %.0f ms; the best peer adds %.0f ms; ratio %.2f (goal <= 0.10)%n",
                ours, bestPeer, ours / bestPeer);
        for (String n : notes) {
            System.out.println("note: " + n);
        }
    }

    private void throughput(String jdk, int seconds, int rounds) throws Exception {
        Map<Cfg, List<double[]>> results = new LinkedHashMap<>();
        for (Cfg c : cfgs) {
            results.put(c, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (Cfg c : rotated(r)) { // interleaved rounds, the order rotated each round
                results.get(c).add(measure(jdk, c, seconds));
            }
        }
        System.out.println();
        System.out.println("## Throughput, latency and memory (JDK 17, -Xmx256m, wrk -t2 -c16 -d" + seconds
                + "s on loopback after a " + seconds + " s warm-up; median of " + rounds + " interleaved rounds)");
        System.out.println("| configuration | requests/s | vs no agent | each round | server CPU us/request | vs no agent"
                + " | p50 ms | p99 ms | RSS MiB | heap after GC MiB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        double base = medianOf(results.get(cfgs.get(0)), 0);
        double baseCpu = medianOf(results.get(cfgs.get(0)), 5);
        for (Cfg c : cfgs) {
            List<double[]> v = results.get(c);
            double rps = medianOf(v, 0);
            double cpu = medianOf(v, 5);
            StringBuilder each = new StringBuilder();
            for (double[] row : v) {
                each.append(each.length() == 0 ? "" : ", ").append(Math.round(row[0]));
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %+.1f%% | %s | %.2f | %+.1f%% | %.2f | %.2f | %.0f | %.1f |%n",
                    c.name, rps, (rps / base - 1) * 100, each, cpu, (cpu / baseCpu - 1) * 100, medianOf(v, 1),
                    medianOf(v, 2), medianOf(v, 3), medianOf(v, 4));
        }
        System.out.println("server CPU us/request: the server process's user+system CPU time (/proc/<pid>/stat) over the"
                + " measured wrk run divided by the requests wrk completed in it; wrk shares the cores, so requests/s"
                + " moves with the scheduler while CPU per request moves less");
    }

    List<Cfg> rotated(int r) {
        return rotated(cfgs, r);
    }

    /** {@code cfgs} in round {@code r}'s order: each configuration in every position in turn. */
    static List<Cfg> rotated(List<Cfg> cfgs, int r) {
        List<Cfg> order = new ArrayList<>(cfgs);
        java.util.Collections.rotate(order, -(r % order.size()));
        return order;
    }

    /** The harness's work directory (logs, generated jars). */
    Path work() {
        return work;
    }

    private static double medianOf(List<double[]> rows, int col) {
        List<Double> v = new ArrayList<>();
        for (double[] r : rows) {
            v.add(r[col]);
        }
        return median(v);
    }

    /** requests/s, p50 ms, p99 ms, RSS MiB, heap after GC MiB, server CPU microseconds per request. */
    private double[] measure(String jdk, Cfg c, int seconds) throws Exception {
        int port = freePort();
        Process p = launch(jdk, c, List.of("-Xms256m", "-Xmx256m"), Integer.toString(port), "serve");
        try {
            awaitFirstResponse(p, port, c, System.nanoTime());
            wrk(port, seconds); // warm-up
            long cpuBefore = cpuTicks(p.pid());
            String out = wrk(port, seconds);
            long cpuTicks = cpuTicks(p.pid()) - cpuBefore;
            double requests = number(out, "([0-9]+) requests in");
            String heap = get(port, "/heap");
            return new double[] {number(out, "Requests/sec:\\s+([0-9.]+)"), latencyMs(out, "50%"),
                latencyMs(out, "99%"), rssKb(p.pid()) / 1024.0,
                heap == null ? Double.NaN : Long.parseLong(heap.trim()) / 1048576.0,
                cpuTicks * 1e6 / CLOCK_TICKS / requests};
        } finally {
            stop(p);
        }
    }

    /** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on every mainstream kernel build). */
    private static final double CLOCK_TICKS = 100;

    /** utime + stime of a process in clock ticks: fields 14 and 15 of /proc/<pid>/stat, after the command's ')'. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/" + pid + "/stat")),
                StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 3.. after the name: 14 and 15 are [11], [12]
    }

    private static String wrk(int port, int seconds) throws Exception {
        Process w = new ProcessBuilder("wrk", "-t2", "-c16", "-d" + seconds + "s", "--latency",
                "http://127.0.0.1:" + port + "/hello").redirectErrorStream(true).start();
        String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        w.waitFor();
        if (!out.contains("Requests/sec")) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** wrk prints e.g. {@code 50%  312.00us} or {@code 99%    2.10ms}. */
    private static double latencyMs(String text, String pct) {
        Matcher m = Pattern.compile(Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)").matcher(text);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        switch (m.group(2)) {
            case "us":
                return v / 1000;
            case "s":
                return v * 1000;
            default:
                return v;
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
