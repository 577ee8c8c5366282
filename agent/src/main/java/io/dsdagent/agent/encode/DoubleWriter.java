package io.dsdagent.agent.encode;

/**
 * Shortest round-trip decimal for non-integral doubles. Interim version: uses the JDK's formatting
 * (shortest from JDK 19) and trims it; to be replaced by an allocation-free writer.
 */
final class DoubleWriter {
    private DoubleWriter() {
    }

    static int write(byte[] buf, int pos, double v) {
        String s = Double.toString(v);
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
        return pos;
    }
}
