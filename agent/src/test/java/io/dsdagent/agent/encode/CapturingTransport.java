package io.dsdagent.agent.encode;

import io.dsdagent.agent.transport.Transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keeps every datagram; a test double for the packer's transport. */
final class CapturingTransport implements Transport {
    final List<byte[]> datagrams = new ArrayList<>();
    private final int max;
    boolean keep = true;

    CapturingTransport(int max) {
        this.max = max;
    }

    @Override
    public boolean send(byte[] payload, int length) {
        if (keep) {
            datagrams.add(Arrays.copyOf(payload, length));
        }
        return true;
    }

    @Override
    public int maxPayload() {
        return max;
    }

    @Override
    public String describe() {
        return "capture";
    }

    @Override
    public void close() {
    }

    /** All messages, without their newlines. */
    List<String> messages() {
        List<String> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            String s = new String(d, StandardCharsets.UTF_8);
            if (!s.endsWith("\n")) {
                throw new AssertionError("datagram does not end with a newline: " + s);
            }
            out.addAll(Arrays.asList(s.substring(0, s.length() - 1).split("\n", -1)));
        }
        return out;
    }

    String all() {
        StringBuilder sb = new StringBuilder();
        for (byte[] d : datagrams) {
            sb.append(new String(d, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
