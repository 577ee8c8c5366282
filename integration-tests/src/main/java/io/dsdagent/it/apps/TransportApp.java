package io.dsdagent.it.apps;

import io.dsdagent.api.DsdMetrics;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Sends events on command, so a test controls what goes out and when. Each event is one DogStatsD
 * message with a unique title, so a receiver can count exactly what arrived.
 *
 * <p>stdin {@code events PREFIX N SIZE}: sends N events titled {@code PREFIX-0..N-1} with a text of SIZE
 * bytes, in chunks of 200 a tick apart (the agent's event queue holds 1024), then prints
 * {@code sent PREFIX N}. {@code exit}: prints {@code bye} and returns (the agent flushes on exit).
 */
public final class TransportApp {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String[] c = line.trim().split(" ");
            if (c[0].equals("events")) {
                String prefix = c[1];
                int n = Integer.parseInt(c[2]);
                String text = "x".repeat(Integer.parseInt(c[3]));
                for (int i = 0; i < n; i++) {
                    DsdMetrics.event(prefix + "-" + i, text);
                    if (i % 200 == 199) {
                        Thread.sleep(150); // pacing, so the agent's bounded event queue never overflows
                    }
                }
                System.out.println("sent " + prefix + " " + n);
                System.out.flush();
            } else if (c[0].equals("exit")) {
                System.out.println("bye");
                System.out.flush();
                return;
            }
        }
    }
}
