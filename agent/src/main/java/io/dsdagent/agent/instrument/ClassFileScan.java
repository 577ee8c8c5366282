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

    /**
     * True if an entry equals one of {@code wanted}, or starts with one of {@code prefixes}; also true for
     * bytes that do not parse (the full matcher decides then).
     */
    public static boolean mentionsAny(byte[] b, byte[][] wanted, byte[][] prefixes) {
        if (b.length < 10 || (b[0] & 0xFF) != 0xCA || (b[1] & 0xFF) != 0xFE || (b[2] & 0xFF) != 0xBA
                || (b[3] & 0xFF) != 0xBE) {
            return true;
        }
        int count = u2(b, 8);
        int p = 10;
        try {
            for (int i = 1; i < count; i++) {
                int tag = b[p] & 0xFF;
                switch (tag) {
                    case 1: { // Utf8
                        int len = u2(b, p + 1);
                        int start = p + 3;
                        for (byte[] w : wanted) {
                            if (w.length == len && equal(b, start, w)) {
                                return true;
                            }
                        }
                        for (byte[] w : prefixes) {
                            if (w.length <= len && equal(b, start, w)) {
                                return true;
                            }
                        }
                        p = start + len;
                        break;
                    }
                    case 3: case 4: // Integer, Float
                    case 9: case 10: case 11: case 12: // refs, NameAndType
                    case 17: case 18: // Dynamic, InvokeDynamic
                        p += 5;
                        break;
                    case 5: case 6: // Long, Double take two slots
                        p += 9;
                        i++;
                        break;
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        p += 3;
                        break;
                    case 15: // MethodHandle
                        p += 4;
                        break;
                    default:
                        return true;
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return true;
        }
        return false;
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
