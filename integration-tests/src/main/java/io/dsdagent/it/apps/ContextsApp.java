package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;

/**
 * Many distinct counter contexts, each with a 100-character tag, so every flush is megabytes of data:
 * {@code ContextsApp CONTEXTS ROUNDS PAUSE_MILLIS} registers {@code wire.ctx} tagged {@code id:<100 chars>}
 * CONTEXTS times, then ROUNDS times increments every counter once and sleeps PAUSE_MILLIS. It times every
 * increment on its own (as {@code SoakApp} times its recording calls) and prints
 * {@code longest call <micros> us}, then {@code returned} as {@code main} returns.
 */
public final class ContextsApp {
    public static void main(String[] args) throws Exception {
        int contexts = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        Counter[] counters = new Counter[contexts];
        for (int i = 0; i < contexts; i++) {
            counters[i] = DsdMetrics.counter("wire.ctx", "id:" + tag(i));
        }
        long longest = 0;
        for (int r = 0; r < rounds; r++) {
            for (Counter c : counters) {
                long t0 = System.nanoTime();
                c.increment();
                longest = Math.max(longest, System.nanoTime() - t0);
            }
            if (r < rounds - 1) {
                Thread.sleep(pause);
            }
        }
        System.out.println("longest call " + longest / 1000 + " us");
        System.out.println("returned");
        System.out.flush();
    }

    /** The 100-character tag value of context {@code i}: its number, padded. */
    public static String tag(int i) {
        StringBuilder sb = new StringBuilder(100).append(i).append('-');
        while (sb.length() < 100) {
            sb.append('x');
        }
        return sb.toString();
    }
}
