package io.dsdagent.it.aggregation;

import io.dsdagent.it.support.ForkedJvm;
import io.dsdagent.it.support.Jdks;
import io.dsdagent.it.support.UdpReceiver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Virtual threads take the shared, bounded, striped path, never a buffer each: 100,000 of them, each
 * recording one timing and ending, arrive exactly with nothing dropped and every value queued,
 * and the heap after a full GC grows by at most {@value #HEAP_BOUND_MB} MB (a 3 KB buffer kept per
 * thread would be 300 MB). On JDK 25, the newest of the matrix (under {@code CI=true} its absence fails
 * the test); a queue of 262,144 samples, room for all 100,000 however late a loaded machine schedules
 * the aggregator (overflow is {@code ExactCountsTest}'s subject), the default context cap; flush interval
 * 10 s, so the values arrive in the final flush on exit and whatever interval flush falls in between.
 */
class VirtualThreadsTest {
    private static final int THREADS = 100_000;
    private static final int HEAP_BOUND_MB = 16;

    @Test
    void hundredThousandVirtualThreadsRecordExactlyWithBoundedHeap() throws Exception {
        String jdk = Jdks.atLeast(25, "100,000 virtual threads run on the JDK 25 of the matrix");
        try (UdpReceiver rx = new UdpReceiver();
             ForkedJvm app = new ForkedJvm(jdk)
                     .env("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + rx.port())
                     .env("DSD_AGENT_FLUSH_INTERVAL", "10s")
                     .env("DSD_AGENT_QUEUE_SIZE", "262144")
                     .env("DSD_AGENT_SOCKSTAT_ENABLED", "false")
                     .env("DSD_AGENT_RUNTIME_METRICS_ENABLED", "false")
                     .jvmArg("-Xmx512m")
                     .main("io.dsdagent.it.apps.VirtualThreadsApp", String.valueOf(THREADS))) {
            app.start();
            assertEquals(0, app.waitFor(120), app.stderr());
            Matcher m = Pattern.compile("virtual (\\d+) heapBefore (\\d+) heapAfter (\\d+)\\n").matcher(app.stdout());
            assertTrue(m.matches(), app.stdout());
            assertEquals(THREADS, Integer.parseInt(m.group(1)), "every task ran on a virtual thread");
            await().atMost(Duration.ofSeconds(10)).until(() -> !rx.metric("dsd_agent.packets.sent").isEmpty()
                    && rx.valueCount("vt.timer") >= THREADS);
            String seen = "kernel drops " + rx.kernelDrops() + ", telemetry " + rx.metric("dsd_agent.values.not_kept")
                    + rx.metric("dsd_agent.samples.dropped");
            assertEquals(THREADS, rx.valueCount("vt.timer"), seen);
            assertEquals(0, rx.metric("dsd_agent.samples.dropped").stream().mapToLong(VirtualThreadsTest::value).sum(),
                    seen);
            // values beyond the per-context sample (reason:max_samples) are sampled by design; none may miss the queue
            assertEquals(0, rx.metric("dsd_agent.values.not_kept").stream().filter(l -> l.contains("reason:queue_full"))
                    .mapToLong(VirtualThreadsTest::value).sum(), "every value queued, not only counted: " + seen);
            long grewBy = Long.parseLong(m.group(3)) - Long.parseLong(m.group(2));
            System.out.println("[virtual] Java " + Jdks.feature(jdk) + ": heap after GC grew by " + grewBy / 1024
                    + " KiB over " + THREADS + " virtual threads");
            assertTrue(grewBy < HEAP_BOUND_MB * 1024L * 1024, "heap grew by " + grewBy + " bytes");
        }
    }

    private static long value(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1, line.indexOf('|')));
    }
}
