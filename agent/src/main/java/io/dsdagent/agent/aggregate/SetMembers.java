package io.dsdagent.agent.aggregate;

/**
 * The bound on a set member: at most {@value #MAX_BYTES} bytes of UTF-8 on the wire. Applied by the
 * aggregator when it takes a member, never on the recording path, so an application thread pays
 * nothing for it. A longer member keeps its longest prefix that fits (cut between characters, never
 * inside a surrogate pair) followed by {@code ~} and eight hex digits of a hash of the whole member,
 * so long members that share a prefix stay distinct and the same member always maps to the same bytes.
 * Byte counts follow the packer's encoding: a broken surrogate is written as one byte ({@code _}).
 */
final class SetMembers {
    /** Most UTF-8 bytes a member is sent with; a longer one is cut and marked with its hash. */
    static final int MAX_BYTES = 256;
    private static final int SUFFIX = 9; // '~' and eight hex digits
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SetMembers() {
    }

    /** {@code member} itself if it fits, else its bounded form (allocates: aggregator thread only). */
    static String bound(String member) {
        int bytes = 0;
        int cut = -1; // end of the longest prefix that leaves room for the suffix
        int n = member.length();
        for (int i = 0; i < n; ) {
            int step = 1;
            int b;
            char c = member.charAt(i);
            if (c < 0x80) {
                b = 1;
            } else if (c < 0x800) {
                b = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(member.charAt(i + 1))) {
                b = 4;
                step = 2;
            } else if (Character.isSurrogate(c)) {
                b = 1;
            } else {
                b = 3;
            }
            if (cut < 0 && bytes + b > MAX_BYTES - SUFFIX) {
                cut = i;
            }
            bytes += b;
            if (bytes > MAX_BYTES) {
                return member.substring(0, cut) + '~' + hex(hash(member));
            }
            i += step;
        }
        return member;
    }

    /** FNV-1a over the UTF-16 code units: cheap, stable across JVMs and runs. */
    private static int hash(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * 0x01000193;
            h = (h ^ (c >>> 8)) * 0x01000193;
        }
        return h;
    }

    private static String hex(int h) {
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = HEX[h & 15];
            h >>>= 4;
        }
        return new String(out);
    }
}
