package io.dsdagent.bench.overhead;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start-up where users live: the Spring Boot 3.5 web app of {@code it-apps/springboot} repackaged as an
 * executable jar (the {@code bench} profile's {@code spring-boot-maven-plugin repackage}), run as
 * {@code java -jar app.jar}, timed from launch to its first HTTP 200 with no agent and with each agent.
 *
 * <p>One configuration's median moves by 100-300 ms between runs on a shared 2-core machine, more than
 * what dsd-agent adds. So every round runs every configuration once, in an order that rotates, and each
 * agent's cost is the median over rounds of its difference to the no-agent run of the same round (paired
 * differences: whatever load a round had, both runs shared most of it). Every round's difference is
 * printed, so the spread is visible. One unmeasured run per configuration warms the file cache first.
 */
final class SpringBootStartup {
    private final Overhead overhead;
    private final Path jar;

    SpringBootStartup(Overhead overhead, Path jar) {
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--springboot-jar: no executable jar at " + jar
                    + " (built by ./bench.sh with the Maven profile bench)");
        }
        this.overhead = overhead;
        this.jar = jar.toAbsolutePath();
    }

    /** Launch to the first 200 on {@code /hello}, in milliseconds. */
    private double firstResponse(String jdk, Overhead.Cfg c) throws Exception {
        int port = Overhead.freePort();
        long t0 = System.nanoTime();
        Process p = overhead.launch(jdk, c, List.of("-jar", jar.toString(), "--server.port=" + port));
        try {
            overhead.awaitFirstResponse(p, port, c, t0);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            Overhead.stop(p);
        }
    }

    /** Resamples for {@link #ratioInterval}; a fixed seed, so the same rounds always give the same interval. */
    static final int RESAMPLES = 4000;
    static final long SEED = 18L;

    /** Each round's time minus the no-agent time of the same round. */
    static List<Double> differences(List<Double> times, List<Double> base) {
        List<Double> d = new ArrayList<>();
        for (int r = 0; r < times.size(); r++) {
            d.add(times.get(r) - base.get(r));
        }
        return d;
    }

    /**
     * How far the ratio moves with the rounds drawn: the 5th and 95th percentiles of (median of
     * {@code ours}) / (median of {@code peer}) over {@code resamples} resamplings of the rounds with
     * replacement, a round's two differences drawn together (a percentile bootstrap). Wide when one
     * round's difference moves by more than the agent adds, as it does here; it says how much a single
     * run's ratio can be trusted, not what the agent costs.
     */
    static double[] ratioInterval(List<Double> ours, List<Double> peer, int resamples, long seed) {
        int n = ours.size();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        double[] ratios = new double[resamples];
        List<Double> a = new ArrayList<>(n);
        List<Double> b = new ArrayList<>(n);
        for (int k = 0; k < resamples; k++) {
            a.clear();
            b.clear();
            for (int i = 0; i < n; i++) {
                int r = rnd.nextInt(n);
                a.add(ours.get(r));
                b.add(peer.get(r));
            }
            ratios[k] = Overhead.median(a) / Overhead.median(b);
        }
        java.util.Arrays.sort(ratios);
        return new double[] {ratios[(int) (0.05 * (resamples - 1))], ratios[(int) Math.ceil(0.95 * (resamples - 1))]};
    }

    void run(String jdk, int rounds) throws Exception {
        if (rounds < 5) {
            throw new IllegalArgumentException("--springboot-rounds: at least 5 rounds, got " + rounds);
        }
        List<Overhead.Cfg> cfgs = new ArrayList<>(overhead.cfgs);
        // the floor every agent pays (last, so the ratio below still compares dsd-agent with the peers only)
        Overhead.Cfg noop = new Overhead.Cfg("no-op agent (floor)",
                List.of("-javaagent:" + NoopAgent.jar(overhead.work())), cfgs.get(0).env);
        cfgs.add(noop);
        Map<Overhead.Cfg, List<Double>> times = new LinkedHashMap<>();
        for (Overhead.Cfg c : cfgs) {
            firstResponse(jdk, c); // warms the file cache, not counted
            times.put(c, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (Overhead.Cfg c : Overhead.rotated(cfgs, r)) {
                times.get(c).add(firstResponse(jdk, c));
            }
        }
        List<Double> base = times.get(cfgs.get(0));
        Map<Overhead.Cfg, Double> added = new LinkedHashMap<>();
        Map<Overhead.Cfg, List<Double>> diffsOf = new LinkedHashMap<>();
        System.out.println();
        System.out.println("## Start-up of a Spring Boot 3.5 executable jar (java -jar " + jar.getFileName()
                + ", " + jdk + "): launch to first HTTP 200, " + rounds + " interleaved rounds");
        System.out.println("| configuration | median ms | min-max ms | added ms (median of paired differences) | per-round differences ms |");
        System.out.println("|---|---|---|---|---|");
        for (Overhead.Cfg c : cfgs) {
            List<Double> t = times.get(c);
            List<Double> diffs = differences(t, base);
            diffsOf.put(c, diffs);
            StringBuilder each = new StringBuilder();
            for (int r = 0; r < rounds; r++) {
                each.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.0f", diffs.get(r)));
            }
            added.put(c, Overhead.median(diffs));
            boolean isBase = c == cfgs.get(0);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %s | %s |%n", c.name, Overhead.median(t),
                    Overhead.min(t), Overhead.max(t), isBase ? "" : String.format(Locale.ROOT, "%+.0f", added.get(c)),
                    isBase ? "" : each);
        }
        double ours = added.get(cfgs.get(1));
        double bestPeer = Double.MAX_VALUE;
        Overhead.Cfg best = null;
        for (Overhead.Cfg c : cfgs.subList(2, cfgs.size() - 1)) {
            if (added.get(c) < bestPeer) {
                bestPeer = added.get(c);
                best = c;
            }
        }
        double floor = added.get(noop);
        double[] ci = ratioInterval(diffsOf.get(cfgs.get(1)), diffsOf.get(best), RESAMPLES, SEED);
        System.out.printf(Locale.ROOT, "dsd-agent adds %.0f ms; the best peer adds %.0f ms; ratio %.3f (goal <= 0.05,"
                + " 1/20); 90%% interval of the ratio over these rounds resampled: %.3f-%.3f%n", ours, bestPeer,
                ours / bestPeer, ci[0], ci[1]);
        System.out.printf(Locale.ROOT, "above the no-op agent's %.0f ms (the JVM's own cost of an agent with one"
                + " transformer): dsd-agent %+.0f ms, the best peer %+.0f ms; ratio %.3f%n", floor, ours - floor,
                bestPeer - floor, (ours - floor) / (bestPeer - floor));
    }
}
