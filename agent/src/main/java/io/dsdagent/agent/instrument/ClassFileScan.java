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
        return new Query(NONE, wanted, prefixes).mentions(b) != 0;
    }

    /**
     * Two questions in one walk of the constant pool: {@link #FIRST} is set if an entry equals one of
     * {@code first}; {@link #SECOND} if one equals one of {@code second} or starts with one of
     * {@code secondPrefixes}. Both for bytes that do not parse. Two transformers that each walked every
     * class's constant pool (the loadClass shortcut and the weaver's prefilter) share one walk this way.
     */
    public static int mentions(byte[] b, byte[][] first, byte[][] second, byte[][] secondPrefixes) {
        return new Query(first, second, secondPrefixes).mentions(b);
    }

    /**
     * The questions of {@link #mentions}, prepared once: a transformer keeps one and asks it of every class.
     * The walk runs on every class the application loads, first in the interpreter and for most of a
     * large application's start in profiled C1 code (issue 18: 3,600 classes of a Spring Boot jar, the
     * compiler queue too busy to bring it to C2 before the end), so its loop does as little as it can per
     * entry: no call, no switch, one table load for an entry that is not text and one bit test for one
     * that is.
     *
     * <p>The JIT's profile: C2 compiles a branch never taken while profiling as a trap, and almost no
     * class mentions a trigger, so the walk's C2 code used to be thrown away at the first class that did
     * (on a Spring Boot jar about 0.5 s after it was compiled), the walk then ran in profiled C1 code
     * again for about 0.8 s until C2 compiled it a second time (issue 18, found with
     * {@code -XX:+LogCompilation}). So every class file whose length is a multiple of
     * {@value #SAMPLE_EVERY} (one in {@value #SAMPLE_EVERY}, with no shared counter) also has the walk
     * read {@link #sample()}: a small constant pool that answers every question, each wanted entry after a
     * near miss, so every branch of the walk is taken while it is profiled.
     */
    public static final class Query {
        private final byte[][] first;
        private final byte[][] second;
        private final byte[][] prefixes;
        /** Bit {@code len} (below 64): a text entry of that length may answer a question. */
        private final long shortLengths;
        /** A text entry of 64 bytes or more may answer one when at least this long. */
        private final int longFrom;
        /** Every question asked ({@link #FIRST}, {@link #SECOND}): the walk stops once all are answered. */
        private final int all;
        /**
         * A class file that answers every question, for the JIT's profile (above); made at its first use,
         * not in {@code premain}, where the queries are made. Racy, as nothing reads the walk's answer for
         * it: two threads may each make one, and a thread may see another's array before its bytes (a
         * walk of zeros answers at once, and only the profile misses that one read).
         */
        private byte[] sample;

        public Query(byte[][] first, byte[][] second, byte[][] secondPrefixes) {
            this.first = first;
            this.second = second;
            this.prefixes = secondPrefixes;
            long bits = 0;
            int from = Integer.MAX_VALUE;
            for (byte[][] exact : new byte[][][] {first, second}) {
                for (byte[] w : exact) {
                    if (w.length < 64) {
                        bits |= 1L << w.length;
                    } else {
                        from = Math.min(from, 64);
                    }
                }
            }
            for (byte[] w : secondPrefixes) { // an entry at least as long as a prefix may start with it
                if (w.length < 64) {
                    bits |= -1L << w.length;
                }
                from = Math.min(from, Math.max(w.length, 64));
            }
            this.shortLengths = bits;
            this.longFrom = from;
            this.all = (first.length > 0 ? FIRST : 0) | (second.length + secondPrefixes.length > 0 ? SECOND : 0);
        }

        /** {@link #FIRST} and {@link #SECOND} as {@link ClassFileScan#mentions} answers them for {@code b}. */
        public int mentions(byte[] b) {
            if ((b.length & (SAMPLE_EVERY - 1)) == 0) {
                walk(sample()); // for the JIT's profile only
            }
            return walk(b);
        }

        /** This query's sample class file ({@link ClassFileScan#sample}). */
        byte[] sample() {
            byte[] s = sample;
            if (s == null) {
                s = ClassFileScan.sample(first, second, prefixes);
                sample = s;
            }
            return s;
        }

        private int walk(byte[] b) {
            if (!isClassFile(b)) {
                return FIRST | SECOND;
            }
            long lengths = shortLengths;
            int from = longFrom;
            int found = 0;
            int count = ((b[8] & 0xFF) << 8) | (b[9] & 0xFF);
            int p = 10;
            try {
                for (int i = 1; i < count; i++) {
                    int tag = b[p];
                    if (tag == 1) { // Utf8: a length, then the bytes
                        int len = ((b[p + 1] & 0xFF) << 8) | (b[p + 2] & 0xFF);
                        p += 3;
                        if (len < 64 ? (lengths >>> len & 1) != 0 : len >= from) {
                            found |= answers(b, p, len, found);
                            if (found == all && all != 0) {
                                return found;
                            }
                        }
                        p += len;
                    } else {
                        int size = SIZES[tag & 0xFF];
                        if (size == 0) {
                            return FIRST | SECOND; // a tag this reader does not know
                        }
                        p += size;
                        i += size >>> 3; // Long and Double (9 bytes) take two slots
                    }
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                return FIRST | SECOND;
            }
            return found;
        }

        /** The questions not yet answered that the text entry at {@code start} answers. */
        private int answers(byte[] b, int start, int len, int found) {
            int r = 0;
            if ((found & FIRST) == 0 && any(b, start, len, first)) {
                r |= FIRST;
            }
            if ((found & SECOND) == 0 && (any(b, start, len, second) || anyPrefix(b, start, len, prefixes))) {
                r |= SECOND;
            }
            return r;
        }
    }

    /** One class file in this many (by its length) also has the walk read its query's sample. */
    static final int SAMPLE_EVERY = 16;

    /**
     * The header and constant pool of a class file whose text entries answer every question of a query:
     * first a Class, an Integer and a Long entry (two slots); then, for each wanted entry and prefix, a
     * near miss (its last byte changed), a 70-byte entry that answers nothing (as long as the long
     * prefixes' threshold); then each prefix followed by one more byte, each prefix alone, each of
     * {@code second}, each of {@code first}. Nothing after the constant pool: the walk never reads on.
     */
    static byte[] sample(byte[][] first, byte[][] second, byte[][] prefixes) {
        java.util.List<byte[]> texts = new java.util.ArrayList<byte[]>();
        for (byte[][] group : new byte[][][] {first, second, prefixes}) {
            for (byte[] w : group) {
                if (w.length > 0) {
                    byte[] miss = w.clone();
                    miss[miss.length - 1] ^= 1;
                    texts.add(miss);
                }
            }
        }
        byte[] filler = new byte[70];
        java.util.Arrays.fill(filler, (byte) '(');
        texts.add(filler);
        for (byte[] w : prefixes) {
            byte[] longer = java.util.Arrays.copyOf(w, w.length + 1);
            longer[w.length] = 'V';
            texts.add(longer);
        }
        java.util.Collections.addAll(texts, prefixes);
        java.util.Collections.addAll(texts, second);
        java.util.Collections.addAll(texts, first);
        int size = 10 + 3 + 5 + 9;
        for (byte[] t : texts) {
            size += 3 + t.length;
        }
        byte[] b = new byte[size];
        b[0] = (byte) 0xCA;
        b[1] = (byte) 0xFE;
        b[2] = (byte) 0xBA;
        b[3] = (byte) 0xBE;
        b[7] = 52; // Java 8
        int count = 1 + 1 + 1 + 2 + texts.size();
        b[8] = (byte) (count >>> 8);
        b[9] = (byte) count;
        int p = 10;
        b[p] = 7; // Class #1 (names entry #1: never read)
        b[p + 2] = 1;
        p += 3;
        b[p] = 3; // Integer
        p += 5;
        b[p] = 5; // Long: two slots
        p += 9;
        for (byte[] t : texts) {
            b[p] = 1;
            b[p + 1] = (byte) (t.length >>> 8);
            b[p + 2] = (byte) t.length;
            System.arraycopy(t, 0, b, p + 3, t.length);
            p += 3 + t.length;
        }
        return b;
    }

    /** Bytes of a constant-pool entry by tag, the tag included, for every tag but Utf8's; 0: unknown. */
    static final byte[] SIZES = new byte[256]; // not private: the nested Query reads it without an accessor (Java 8 has no nestmates)

    static {
        for (int tag : new int[] {3, 4, 9, 10, 11, 12, 17, 18}) { // Integer, Float, refs, NameAndType, (Invoke)Dynamic
            SIZES[tag] = 5;
        }
        for (int tag : new int[] {7, 8, 16, 19, 20}) { // Class, String, MethodType, Module, Package
            SIZES[tag] = 3;
        }
        SIZES[5] = 9; // Long
        SIZES[6] = 9; // Double
        SIZES[15] = 4; // MethodHandle
    }

    private static final byte[][] NONE = new byte[0][];

    static boolean any(byte[] b, int start, int len, byte[][] wanted) {
        for (byte[] w : wanted) {
            if (w.length == len && equal(b, start, w)) {
                return true;
            }
        }
        return false;
    }

    static boolean anyPrefix(byte[] b, int start, int len, byte[][] prefixes) {
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
        return declares(b, name, descs, NONE, false);
    }

    /**
     * True if the class declares a method with code (neither abstract nor native) whose descriptor is one
     * of {@code descs} or starts with one of {@code prefixes}: its method table, not its constant pool,
     * which also holds the descriptors of the methods it calls and of the abstract methods it declares.
     * Also true for bytes that do not parse (the weaver decides then). Reads the header and the field and
     * method tables, never code.
     */
    public static boolean declaresMethodWithCode(byte[] b, byte[][] descs, byte[][] prefixes) {
        return declares(b, null, descs, prefixes, true);
    }

    /**
     * Whether the method table has a method named {@code name} (null: any name), with code if
     * {@code withCode}, whose descriptor is one of {@code descs} or starts with one of {@code prefixes};
     * true for bytes that do not parse.
     */
    private static boolean declares(byte[] b, byte[] name, byte[][] descs, byte[][] prefixes, boolean withCode) {
        if (!isClassFile(b)) {
            return true;
        }
        try {
            int[] utf8 = new int[u2(b, 8)]; // offset of each Utf8 entry's length, 0 for other entries
            int p = methodTable(b, utf8);
            if (p < 0) {
                return true;
            }
            int methods = u2(b, p);
            p += 2;
            for (int m = 0; m < methods; m++) {
                if ((!withCode || (u2(b, p) & (ACC_ABSTRACT | ACC_NATIVE)) == 0)
                        && (name == null || isUtf8(b, utf8, u2(b, p + 2), name))) {
                    int at = utf8At(utf8, u2(b, p + 4));
                    if (at == 0) {
                        return true; // a descriptor index that is not text: not a class file we can read
                    }
                    int len = u2(b, at);
                    if (any(b, at + 2, len, descs) || anyPrefix(b, at + 2, len, prefixes)) {
                        return true;
                    }
                }
                p = skipAttributes(b, p + 6);
            }
            return false;
        } catch (RuntimeException e) { // out of bounds: not a class file we can read
            return true;
        }
    }

    private static final int ACC_NATIVE = 0x0100;
    private static final int ACC_ABSTRACT = 0x0400;

    /**
     * Walks the constant pool, setting {@code utf8[i]} to the offset of each Utf8 entry's length, then the
     * header and the field table: the offset of the method table's count; -1 for a tag this reader does
     * not know.
     */
    private static int methodTable(byte[] b, int[] utf8) {
        int p = 10;
        for (int i = 1; i < utf8.length; i++) {
            int tag = b[p] & 0xFF;
            if (tag == 1) {
                utf8[i] = p + 1;
            }
            int size = entrySize(b, p);
            if (size < 0) {
                return -1;
            }
            p += size;
            if (tag == 5 || tag == 6) { // Long, Double take two slots
                i++;
            }
        }
        p += 6; // access, this, super
        p += 2 + 2 * u2(b, p); // interfaces
        return skipMembers(b, p); // fields
    }

    static boolean isClassFile(byte[] b) {
        return b.length >= 10 && (b[0] & 0xFF) == 0xCA && (b[1] & 0xFF) == 0xFE && (b[2] & 0xFF) == 0xBA
                && (b[3] & 0xFF) == 0xBE;
    }

    /** Bytes of the constant-pool entry at {@code p}, its tag included; -1 for a tag this reader does not know. */
    public static int entrySize(byte[] b, int p) {
        int tag = b[p] & 0xFF;
        return tag == 1 ? 3 + u2(b, p + 1) : SIZES[tag] == 0 ? -1 : SIZES[tag]; // Utf8: its length
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
        int at = utf8At(utf8, index);
        return at != 0 && u2(b, at) == w.length && equal(b, at + 2, w);
    }

    /** The offset of text entry {@code index}'s length; 0 when {@code index} is not a text entry. */
    private static int utf8At(int[] utf8, int index) {
        return index > 0 && index < utf8.length ? utf8[index] : 0;
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
