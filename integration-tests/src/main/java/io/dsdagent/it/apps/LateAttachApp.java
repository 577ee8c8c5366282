package io.dsdagent.it.apps;

import io.dsdagent.annotation.Timed;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Calls an annotated method once, prints {@code ready}, waits for a line on stdin (the test attaches
 * the agent meanwhile), then calls it {@code args[0]} times and exits.
 */
public final class LateAttachApp {
    public static class Worker {
        @Timed("late.work")
        public int work(int i) {
            return i + 1;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Worker w = new Worker();
        long sum = w.work(0);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (int i = 0; i < n; i++) {
            sum += w.work(i);
        }
        System.out.println("sum " + sum);
    }
}
