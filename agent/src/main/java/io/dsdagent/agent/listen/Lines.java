package io.dsdagent.agent.listen;

import java.io.PrintStream;

/** {@code listen} without {@code --summary}: every message on its own line, decoded ({@link Decoder}) or raw. */
final class Lines implements Output {
    private final boolean raw;
    private final PrintStream out;

    Lines(boolean raw, PrintStream out) {
        this.raw = raw;
        this.out = out;
    }

    @Override
    public void payload(String payload) {
        for (String line : payload.split("\n")) {
            if (!line.isEmpty()) {
                out.println(raw ? line : Decoder.decode(line));
            }
        }
        out.flush();
    }

    @Override
    public void idle(long nanoTime) {
    }

    @Override
    public void end(long nanoTime) {
    }
}
