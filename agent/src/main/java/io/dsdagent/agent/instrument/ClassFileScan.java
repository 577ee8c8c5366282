package io.dsdagent.agent.instrument;

/**
 * Reads a class file's constant pool and tells whether one of its UTF-8 entries equals one of a few
 * byte strings (an annotation descriptor, a class's internal name). A class that names none of them
 * cannot be a target, so it is rejected without parsing it, without allocation, and without reading
 * anything past the constant pool.
 */
public final class ClassFileScan {
    private ClassFileScan() {
    }

    /** The answer of {@link #mentions} for each of its two questions. */
    public static final int FIRST = 1;
    public static final int SECOND = 2;

    /**
     * True if an entry equals one of {@code wanted}, or starts with one of {@code prefixes}; also true for
     * bytes that do not parse (the full matcher decides then).
     */
    public static boolean mentionsAny(byte[] b, byte[][] wanted, byte[][] prefixes) {
        return mentions(b, NONE, wanted, prefixes) != 0;
    }

    /**
     * Two questions in one walk of the constant pool: {@link #FIRST} is set if an entry equals one of
     * {@code first}; {@link #SECOND} if one equals one of {@code second} or starts with one of
     * {@code secondPrefixes}. Both for bytes that do not parse. Two transformers that each walked every
     * class's constant pool (the loadClass shortcut and the weaver's prefilter) share one walk this way.
     */
    public static int mentions(byte[] b, byte[][] first, byte[][] second, byte[][] secondPrefixes) {
        if (!isClassFile(b)) {
            return FIRST | SECOND;
        }
        int found = 0;
        int all = (first.length > 0 ? FIRST : 0) | (second.length + secondPrefixes.length > 0 ? SECOND : 0);
        // most entries have a length no wanted string has: one bit test rejects them, no loop over the lists
        long firstLengths = lengths(first, 0);
        long firstLong = lengths(first, 64);
        long secondLengths = lengths(second, 0);
        long secondLong = lengths(second, 64);
        int shortestPrefix = shortest(secondPrefixes);
        int count = u2(b, 8);
        int p = 10;
        try {
            for (int i = 1; i < count; i++) {
                int tag = b[p] & 0xFF;
                if (tag == 1) { // Utf8
                    int len = u2(b, p + 1);
                    int start = p + 3;
                    if ((found & FIRST) == 0 && hasLength(firstLengths, firstLong, len) && any(b, start, len, first)) {
                        found |= FIRST;
                    }
                    if ((found & SECOND) == 0 && (hasLength(secondLengths, secondLong, len) && any(b, start, len, second)
                            || len >= shortestPrefix && anyPrefix(b, start, len, secondPrefixes))) {
                        found |= SECOND;
                    }
                    if (found == all && all != 0) {
                        return found;
                    }
                    p = start + len;
                    continue;
                }
                int size = entrySize(b, p);
                if (size < 0) {
                    return FIRST | SECOND;
                }
                p += size;
                if (tag == 5 || tag == 6) { // Long, Double take two slots
                    i++;
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return FIRST | SECOND;
        }
        return found;
    }

    /**
     * The lengths of {@code strings} from {@code from} to {@code from + 63} as bits of a long (bit
     * {@code len - from}); a string of 128 bytes or more sets every bit of the second word (from 64), so
     * that such lengths are always compared.
     */
    private static long lengths(byte[][] strings, int from) {
        long bits = 0;
        for (byte[] w : strings) {
            int d = w.length - from;
            if (d >= 0 && d < 64) {
                bits |= 1L << d;
            } else if (d >= 64 && from == 64) {
                bits = -1L;
            }
        }
        return bits;
    }

    /** Whether a wanted string may have length {@code len}, from the two words of {@link #lengths}. */
    private static boolean hasLength(long below64, long from64, int len) {
        return len < 64 ? (below64 >>> len & 1) != 0 : len >= 128 ? from64 == -1L : (from64 >>> (len - 64) & 1) != 0;
    }

    private static int shortest(byte[][] prefixes) {
        int n = Integer.MAX_VALUE;
        for (byte[] w : prefixes) {
            n = Math.min(n, w.length);
        }
        return n;
    }

    private static final byte[][] NONE = new byte[0][];

    private static boolean any(byte[] b, int start, int len, byte[][] wanted) {
        for (byte[] w : wanted) {
            if (w.length == len && equal(b, start, w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyPrefix(byte[] b, int start, int len, byte[][] prefixes) {
        for (byte[] w : prefixes) {
            if (w.length <= len && equal(b, start, w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if the class declares a method named {@code name} with one of {@code descs} (its method table,
     * not its constant pool, which also names the methods it calls); also true for bytes that do not
     * parse (the full rewrite decides then). Reads the header and the field and method tables, never code.
     */
    public static boolean declaresMethod(byte[] b, byte[] name, byte[][] descs) {
        if (!isClassFile(b)) {
            return true;
        }
        try {
            int count = u2(b, 8);
            int[] utf8 = new int[count]; // offset of each Utf8 entry's length, 0 for other entries
            int p = 10;
            for (int i = 1; i < count; i++) {
                int tag = b[p] & 0xFF;
                if (tag == 1) {
                    utf8[i] = p + 1;
                }
                int size = entrySize(b, p);
                if (size < 0) {
                    return true;
                }
                p += size;
                if (tag == 5 || tag == 6) { // Long, Double take two slots
                    i++;
                }
            }
            p += 6; // access, this, super
            p += 2 + 2 * u2(b, p); // interfaces
            p = skipMembers(b, p); // fields
            int methods = u2(b, p);
            p += 2;
            for (int m = 0; m < methods; m++) {
                if (isUtf8(b, utf8, u2(b, p + 2), name)) {
                    for (byte[] d : descs) {
                        if (isUtf8(b, utf8, u2(b, p + 4), d)) {
                            return true;
                        }
                    }
                }
                p = skipAttributes(b, p + 6);
            }
            return false;
        } catch (RuntimeException e) { // out of bounds: not a class file we can read
            return true;
        }
    }

    private static boolean isClassFile(byte[] b) {
        return b.length >= 10 && (b[0] & 0xFF) == 0xCA && (b[1] & 0xFF) == 0xFE && (b[2] & 0xFF) == 0xBA
                && (b[3] & 0xFF) == 0xBE;
    }

    /** Bytes of the constant-pool entry at {@code p}, its tag included; -1 for a tag this reader does not know. */
    public static int entrySize(byte[] b, int p) {
        switch (b[p] & 0xFF) {
            case 1: // Utf8
                return 3 + u2(b, p + 1);
            case 3: case 4: // Integer, Float
            case 9: case 10: case 11: case 12: // refs, NameAndType
            case 17: case 18: // Dynamic, InvokeDynamic
                return 5;
            case 5: case 6: // Long, Double
                return 9;
            case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                return 3;
            case 15: // MethodHandle
                return 4;
            default:
                return -1;
        }
    }

    private static int skipMembers(byte[] b, int p) {
        int n = u2(b, p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p = skipAttributes(b, p + 6);
        }
        return p;
    }

    /** {@code p}: an attributes_count; returns the offset after the attributes. */
    private static int skipAttributes(byte[] b, int p) {
        int n = u2(b, p);
        p += 2;
        for (int i = 0; i < n; i++) {
            long len = ((long) u2(b, p + 2) << 16) | u2(b, p + 4);
            if (len > b.length) {
                throw new IndexOutOfBoundsException("attribute length " + len);
            }
            p += 6 + (int) len;
        }
        return p;
    }

    private static boolean isUtf8(byte[] b, int[] utf8, int index, byte[] w) {
        int at = index > 0 && index < utf8.length ? utf8[index] : 0;
        return at != 0 && u2(b, at) == w.length && equal(b, at + 2, w);
    }

    private static boolean equal(byte[] b, int start, byte[] w) {
        for (int j = 0; j < w.length; j++) {
            if (b[start + j] != w[j]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
}
