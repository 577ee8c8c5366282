package io.dsdagent.agent.transport;

import io.dsdagent.agent.aggregate.Aggregator;
import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.testing.Samples;
import io.dsdagent.agent.testing.UnixStreamReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's exact accounting (received + {@code dsd_agent.samples.dropped} = recorded over a Unix stream)
 * at about 25 times its rate, in one process, so that a race between writers, the aggregator and the
 * transport shows within seconds instead of once in dozens of soak runs: six lanes of short-lived writer
 * threads (each lives 20-300 ms, so thread buffers are claimed and freed all the time) add to two unit
 * counters and record a timer value and 20 distribution values per round, while the aggregator flushes
 * every 100 ms into a real Unix stream receiver (the forked-JVM tests' {@link UnixStreamReceiver}) that is
 * stopped (socket file removed; between two of the agent's sends, see {@link Gated}) and started again, or
 * stops reading, at random every 100-500 ms. A count
 * line counts as its value, a value line as its values, each weighted {@code int(1/rate)} (1,000 values are
 * kept per context and flush, the rest carried by sample rates); a torn frame is discarded, as the Datadog
 * Agent does. Keeping every value instead (about 1.4 MB a flush), this test caught the counter race that
 * {@code CountTakeRaceTest} pins (a counter's sum and calls in two atomics) by one to five samples within
 * two rounds; it keeps the default cap so that a slow machine still gets the quiet gaps its receiver needs
 * to stop gracefully.
 */
class StreamFaultStressTest {
    private static final int LANES = 6;
    private static final int PER_ROUND = 23; // two counts, one timer value, 20 distribution values
    /**
     * Values kept per context per flush (the agent's default): the rest are sent as sample rates that carry
     * their exact count, so that path is checked too, and a flush stays small enough (about 60 kB) for the
     * receiver to see the quiet time below between flushes on a slow machine.
     */
    private static final int MAX_SAMPLES = 1000;
    /** Quiet time that tells a receiver it has read what was sent: under the 100 ms flush interval. */
    private static final Duration QUIET = Duration.ofMillis(60);

    @TempDir
    Path dir;

    @Test
    void receivedPlusDroppedIsEveryCallThroughStopsAndPausesOfTheReceiver() throws Exception {
        for (int round = 0; round < Integer.getInteger("stress.rounds", 2); round++) {
            run(round);
        }
    }

    private void run(int round) throws Exception {
        Path sock = dir.resolve("dsd" + round + ".sock");
        Telemetry telemetry = new Telemetry();
        Registry registry = new Registry(1000, 8, List.of(), telemetry);
        Recorder recorder = new Recorder(registry, telemetry, 8, 65536);
        List<String> received = new ArrayList<>();
        UnixStreamReceiver[] rx = {new UnixStreamReceiver(sock, QUIET)};
        ReentrantLock sends = new ReentrantLock();
        Aggregator agg = new Aggregator(recorder, () -> {
            try {
                return new Packer(new Gated(new UnixStreamTransport(sock.toString(), 8192, telemetry, 50,
                        new SendWait(25, telemetry)), sends), telemetry, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, telemetry, 100, 0, MAX_SAMPLES, true, Aggregator.Clock.SYSTEM);
        Thread aggregator = new Thread(agg, "stress-aggregator");
        agg.bind(aggregator);
        aggregator.start();
        int c1 = registry.register(Source.API, Registry.COUNT, "app.c1");
        int c2 = registry.register(Source.API, Registry.COUNT, "app.c2");
        int t1 = registry.register(Source.API, Registry.TIMER | Registry.NANOS, "app.t1");
        int d1 = registry.register(Source.API, Registry.DISTRIBUTION, "app.d1");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        AtomicLong threads = new AtomicLong();
        Runnable writer = () -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            long until = System.nanoTime() + r.nextLong(20_000_000, 300_000_000);
            long n = 0;
            while (running.get() && System.nanoTime() < until) {
                recorder.count(c1, 1);
                recorder.count(c2, 1);
                recorder.recordNanos(t1, r.nextLong(1, 1_000_000_000L));
                for (int i = 0; i < 20; i++) {
                    recorder.record(d1, r.nextDouble());
                }
                n += PER_ROUND;
                LockSupport.parkNanos(r.nextLong(20_000, 200_000));
            }
            calls.addAndGet(n);
        };
        List<Thread> lanes = new ArrayList<>();
        for (int l = 0; l < LANES; l++) {
            Thread lane = new Thread(() -> {
                while (running.get()) { // a new writer thread as each one ends
                    Thread w = new Thread(writer, "stress-writer-" + threads.incrementAndGet());
                    w.start();
                    try {
                        w.join();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "stress-lane");
            lane.start();
            lanes.add(lane);
        }
        Random faults = new Random(round);
        long end = System.nanoTime() + 6_000_000_000L;
        int stops = 0;
        int pauses = 0;
        while (System.nanoTime() < end) {
            hold(100 + faults.nextInt(400));
            if (faults.nextBoolean()) {
                // as a Datadog Agent stops: what was sent is read, then the socket goes. Between no send
                // (the agent finds the socket gone at its next): a frame written after the receiver's
                // last read and before its close would be lost in its socket buffer, where no sender can
                // count it (a Datadog Agent restarting loses it the same way)
                sends.lock();
                try {
                    rx[0].close();
                } finally {
                    sends.unlock();
                }
                received.addAll(rx[0].lines());
                hold(faults.nextInt(300));
                rx[0] = new UnixStreamReceiver(sock, QUIET);
                stops++;
            } else {
                rx[0].pause();
                hold(faults.nextInt(500));
                rx[0].resume();
                pauses++;
            }
        }
        hold(300);
        running.set(false);
        for (Thread lane : lanes) {
            lane.join();
        }
        agg.stop(2000); // the final flush, as on exit
        rx[0].close(); // reads what the final flush sent, then closes
        received.addAll(rx[0].lines());
        long samples = Samples.total(received, List.of("app."));
        long dropped = Samples.sum(received, "dsd_agent.samples.dropped", null);
        long recorded = Samples.sum(received, "dsd_agent.samples.recorded", null);
        String what = "round " + round + ": " + calls.get() + " calls from " + threads.get() + " threads, " + stops
                + " stops and " + pauses + " pauses of the receiver: received " + samples + " + dropped " + dropped;
        System.out.println("[stress] " + what);
        assertEquals(calls.get(), recorded, "dsd_agent.samples.recorded; " + what);
        assertEquals(calls.get(), samples + dropped, "received + dropped = recorded; " + what);
        assertTrue(dropped > 0 && samples > 0 && stops > 0 && pauses > 0, what);
    }

    /**
     * The agent's transport, each send under {@code sends}: a stop of the receiver takes it, so that no
     * frame is written while the receiver reads its last and closes.
     */
    private static final class Gated implements Transport {
        private final Transport inner;
        private final ReentrantLock sends;

        Gated(Transport inner, ReentrantLock sends) {
            this.inner = inner;
            this.sends = sends;
        }

        @Override
        public boolean send(byte[] payload, int length) {
            sends.lock();
            try {
                return inner.send(payload, length);
            } finally {
                sends.unlock();
            }
        }

        @Override
        public boolean send(byte[] payload, int length, long samples) {
            sends.lock();
            try {
                return inner.send(payload, length, samples);
            } finally {
                sends.unlock();
            }
        }

        @Override
        public void newFlush(boolean last) {
            inner.newFlush(last);
        }

        @Override
        public int maxPayload() {
            return inner.maxPayload();
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static void hold(long millis) {
        if (millis > 0) {
            await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 5000)).until(() -> true);
        }
    }
}
