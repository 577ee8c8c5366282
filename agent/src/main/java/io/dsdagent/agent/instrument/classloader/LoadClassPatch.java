package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.instrument.ClassFileScan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@link LoadClassShortcut}'s prologue written straight into the class file, without ASM: the loaders
 * an application defines first (Spring Boot's, a few milliseconds after {@code premain}, on the main
 * thread) no longer load and run about 30 ASM classes for a prologue of 24 bytes (issue 18: 16.6 of the
 * shortcut's 22 ms on a Spring Boot jar). The same bytecode, exception-table entry and frames as the
 * ASM path; everything else is copied. The method's code moves by 24 bytes (a multiple of 4, so switch
 * padding holds): its exception table, line numbers, local variables and frames move with it (the
 * first original frame's delta is re-encoded against the prologue's last frame). New constants are
 * appended to the constant pool (duplicates are legal).
 *
 * <p>A method whose code carries any other attribute (type annotations hold code offsets), a code
 * array or constant pool that would overflow, or bytes that do not parse: {@link #UNSUPPORTED}, and
 * the caller takes the ASM path, which handles every class file.
 */
final class LoadClassPatch {
    /** Returned when this class file needs the ASM path. */
    static final byte[] UNSUPPORTED = new byte[0];

    private static final int PROLOGUE = 24;
    private static final int HANDLER = 21; // the pop of the caught Throwable
    private static final int OWN = 22;     // where the method's own code resumes (two nops, then its code)
    private static final int ADDED_CONSTANTS = 17;

    private final byte[] b;
    private final ByteArrayOutputStream out;
    private int[] utf8; // offset of each Utf8 entry's length, 0 for other entries
    private int prefixString;
    private int startsWith;
    private int forName;
    private int throwable;
    private int stackMapTable;
    private boolean frames;
    private boolean patched;

    private LoadClassPatch(byte[] b) {
        this.b = b;
        this.out = new ByteArrayOutputStream(b.length + 256);
    }

    /**
     * {@code classFile} with the shortcut for names starting with {@code prefix} in its instance
     * {@code loadClass(String)} and {@code loadClass(String, boolean)} methods; null if it declares
     * none; {@link #UNSUPPORTED} if the ASM path must do it.
     */
    static byte[] rewrite(byte[] classFile, String prefix) {
        try {
            return new LoadClassPatch(classFile).patch(prefix);
        } catch (RuntimeException e) { // out of bounds: let ASM read it (and report what it finds)
            return UNSUPPORTED;
        }
    }

    private byte[] patch(String prefix) {
        if (b.length < 10 || u4(0) != 0xCAFEBABEL) {
            return UNSUPPORTED;
        }
        frames = u2(6) >= 50; // major version: Java 6 class files have frames; older ones are type-inferred
        int count = u2(8);
        if (count + ADDED_CONSTANTS > 0xFFFF) {
            return UNSUPPORTED;
        }
        utf8 = new int[count];
        int p = 10;
        for (int i = 1; i < count; i++) {
            int tag = b[p] & 0xFF;
            if (tag == 1) {
                utf8[i] = p + 1;
            }
            int size = ClassFileScan.entrySize(b, p);
            if (size < 0) {
                return UNSUPPORTED;
            }
            p += size;
            if (tag == 5 || tag == 6) { // Long, Double take two slots
                i++;
            }
        }
        out.write(b, 0, 8);
        u2out(count + ADDED_CONSTANTS);
        out.write(b, 10, p - 10);
        appendConstants(count, prefix);

        int start = p;
        p += 6; // access, this, super
        p += 2 + 2 * u2(p); // interfaces
        p = skipMembers(p); // fields
        out.write(b, start, p - start);
        int methods = u2(p);
        u2out(methods);
        p += 2;
        for (int m = 0; m < methods; m++) {
            int access = u2(p);
            boolean wanted = (access & 0x0508) == 0 // not static, native or abstract
                    && isUtf8(u2(p + 2), LoadClassShortcut.NAME)
                    && (isUtf8(u2(p + 4), LoadClassShortcut.DESC) || isUtf8(u2(p + 4), LoadClassShortcut.DESC_RESOLVE));
            out.write(b, p, 6);
            p += 6;
            int attributes = u2(p);
            u2out(attributes);
            p += 2;
            for (int a = 0; a < attributes; a++) {
                int len = length(p + 2);
                if (wanted && isUtf8(u2(p), "Code")) {
                    if (!code(p + 6, len)) {
                        return UNSUPPORTED;
                    }
                    patched = true;
                } else {
                    out.write(b, p, 6 + len);
                }
                p += 6 + len;
            }
        }
        int end = skipAttributes(p); // the class's attributes, copied
        if (end != b.length) {
            return UNSUPPORTED;
        }
        out.write(b, p, end - p);
        return patched ? out.toByteArray() : null;
    }

    /** The constants the prologue refers to, from index {@code next} on. */
    private void appendConstants(int next, String prefix) {
        int prefixUtf8 = utf8Out(next++, prefix);
        prefixString = next++;
        ref(8, prefixUtf8);
        int string = classOut(next, "java/lang/String");
        next += 2;
        startsWith = methodOut(next, string, "startsWith", "(Ljava/lang/String;)Z");
        next += 4;
        int clazz = classOut(next, "java/lang/Class");
        next += 2;
        forName = methodOut(next, clazz, "forName", "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
        next += 4;
        throwable = classOut(next, "java/lang/Throwable");
        next += 2;
        stackMapTable = utf8Out(next++, "StackMapTable");
        if (next - ADDED_CONSTANTS != prefixUtf8) {
            throw new IllegalStateException("constants miscounted");
        }
    }

    /**
     * Writes the Code attribute whose body starts at {@code p} ({@code len} bytes) with the prologue;
     * false if it holds what this class does not move.
     */
    private boolean code(int p, int len) {
        int maxStack = u2(p);
        int maxLocals = u2(p + 2);
        int codeLength = length(p + 4);
        if (codeLength + PROLOGUE > 0xFFFF) {
            return false;
        }
        int code = p + 8;
        int q = code + codeLength;
        int handlers = u2(q);
        int attrs = q + 2 + 8 * handlers;
        int attributeCount = u2(attrs);
        int stackMap = -1;
        int a = attrs + 2;
        for (int i = 0; i < attributeCount; i++) {
            int alen = length(a + 2);
            int name = u2(a);
            if (isUtf8(name, "StackMapTable")) {
                stackMap = a;
            } else if (!isUtf8(name, "LineNumberTable") && !isUtf8(name, "LocalVariableTable")
                    && !isUtf8(name, "LocalVariableTypeTable")) {
                return false; // type annotations and unknown attributes may hold code offsets
            }
            a += 6 + alen;
        }
        if (a != p + len) {
            return false;
        }
        boolean addStackMap = frames && stackMap < 0;

        ByteArrayOutputStream body = new ByteArrayOutputStream(len + 64);
        u2(body, Math.max(maxStack, 3));
        u2(body, maxLocals);
        u4(body, codeLength + PROLOGUE);
        prologue(body);
        body.write(b, code, codeLength);
        u2(body, handlers + 1);
        u2(body, 14); // start: the boot lookup
        u2(body, HANDLER); // end
        u2(body, HANDLER);
        u2(body, throwable);
        for (int h = 0; h < handlers; h++) {
            int e = q + 2 + 8 * h;
            u2(body, u2(e) + PROLOGUE);
            u2(body, u2(e + 2) + PROLOGUE);
            u2(body, u2(e + 4) + PROLOGUE);
            u2(body, u2(e + 6));
        }
        u2(body, attributeCount + (addStackMap ? 1 : 0));
        a = attrs + 2;
        for (int i = 0; i < attributeCount; i++) {
            int alen = length(a + 2);
            if (a == stackMap) {
                stackMap(body, a, alen);
            } else {
                moveOffsets(body, a, isUtf8(u2(a), "LineNumberTable") ? 4 : 10);
            }
            a += 6 + alen;
        }
        if (addStackMap) {
            u2(body, stackMapTable);
            u4(body, 7);
            u2(body, 2);
            prologueFrames(body);
        }
        u2out(u2(p - 6)); // the attribute's name
        u4out(body.size());
        byte[] bytes = body.toByteArray();
        out.write(bytes, 0, bytes.length);
        return true;
    }

    /**
     * if (name != null && name.startsWith(prefix)) { try { return Class.forName(name, false, null); }
     * catch (Throwable t) {} } and the method's own code: the bytes LoadClassShortcut writes.
     */
    private void prologue(ByteArrayOutputStream o) {
        o.write(0x2B);                          // 0: aload_1
        o.write(0xC6); u2(o, OWN - 1);          // 1: ifnull own
        o.write(0x2B);                          // 4: aload_1
        o.write(0x13); u2(o, prefixString);     // 5: ldc_w prefix
        o.write(0xB6); u2(o, startsWith);       // 8: invokevirtual String.startsWith
        o.write(0x99); u2(o, OWN - 11);         // 11: ifeq own
        o.write(0x2B);                          // 14: aload_1 (the try starts)
        o.write(0x03);                          // 15: iconst_0
        o.write(0x01);                          // 16: aconst_null
        o.write(0xB8); u2(o, forName);          // 17: invokestatic Class.forName
        o.write(0xB0);                          // 20: areturn (the try ends)
        o.write(0x57);                          // 21: pop (the handler)
        o.write(0x00);                          // 22: nop (own: the method's own code, after two nops)
        o.write(0x00);                          // 23: nop
    }

    /** The handler's frame (entry locals, a Throwable on the stack) and own's (entry locals). */
    private void prologueFrames(ByteArrayOutputStream o) {
        o.write(64 + HANDLER); // same_locals_1_stack_item_frame
        o.write(7);            // Object_variable_info
        u2(o, throwable);
        o.write(OWN - HANDLER - 1); // same_frame
    }

    /** The StackMapTable at {@code a} with the prologue's two frames first and its first frame moved. */
    private void stackMap(ByteArrayOutputStream o, int a, int alen) {
        int entries = u2(a + 6);
        int first = a + 8;
        ByteArrayOutputStream rest = new ByteArrayOutputStream(alen + 16);
        u2(rest, entries + 2);
        prologueFrames(rest);
        int end = a + 6 + alen;
        if (entries > 0) {
            // the first frame's delta was its offset; now it follows own's frame: offset - OWN - 1
            int type = b[first] & 0xFF;
            int shift = PROLOGUE - OWN - 1;
            if (type < 64) { // same_frame
                int delta = type + shift;
                if (delta < 64) {
                    rest.write(delta);
                } else {
                    rest.write(251);
                    u2(rest, delta);
                }
                first += 1;
            } else if (type < 128) { // same_locals_1_stack_item_frame
                int delta = type - 64 + shift;
                if (delta < 64) {
                    rest.write(64 + delta);
                } else {
                    rest.write(247);
                    u2(rest, delta);
                }
                first += 1;
            } else if (type >= 247) { // extended, chop, append, full: an explicit u2 delta
                rest.write(type);
                u2(rest, u2(first + 1) + shift);
                first += 3;
            } else {
                throw new IllegalArgumentException("reserved frame type " + type);
            }
        }
        rest.write(b, first, end - first);
        u2(o, u2(a));
        u4(o, rest.size());
        byte[] bytes = rest.toByteArray();
        o.write(bytes, 0, bytes.length);
    }

    /**
     * A LineNumberTable ({@code entrySize} 4) or local-variable table (10) at {@code a}, its start
     * offsets moved past the prologue; a variable in scope from the start stays so, through the prologue.
     */
    private void moveOffsets(ByteArrayOutputStream o, int a, int entrySize) {
        int n = u2(a + 6);
        o.write(b, a, 8);
        for (int i = 0; i < n; i++) {
            int e = a + 8 + entrySize * i;
            int pc = u2(e);
            if (entrySize == 10 && pc == 0) {
                u2(o, 0);
                u2(o, u2(e + 2) + PROLOGUE);
            } else {
                u2(o, pc + PROLOGUE);
                o.write(b, e + 2, 2);
            }
            o.write(b, e + 4, entrySize - 4);
        }
    }

    private int utf8Out(int index, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8); // the names here are ASCII: modified UTF-8 alike
        out.write(1);
        u2out(bytes.length);
        out.write(bytes, 0, bytes.length);
        return index;
    }

    private void ref(int tag, int index) {
        out.write(tag);
        u2out(index);
    }

    /** A Utf8 and the Class entry naming it, at {@code index} and {@code index + 1}; returns the Class's. */
    private int classOut(int index, String internalName) {
        utf8Out(index, internalName);
        ref(7, index);
        return index + 1;
    }

    /** Two Utf8s, a NameAndType and the Methodref of {@code owner}, from {@code index}; returns the Methodref's. */
    private int methodOut(int index, int owner, String name, String desc) {
        utf8Out(index, name);
        utf8Out(index + 1, desc);
        out.write(12);
        u2out(index);
        u2out(index + 1);
        out.write(10);
        u2out(owner);
        u2out(index + 2);
        return index + 3;
    }

    private int skipMembers(int p) {
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p = skipAttributes(p + 6);
        }
        return p;
    }

    private int skipAttributes(int p) {
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p += 6 + length(p + 2);
        }
        return p;
    }

    private boolean isUtf8(int index, String s) {
        int at = index > 0 && index < utf8.length ? utf8[index] : 0;
        if (at == 0 || u2(at) != s.length()) {
            return false;
        }
        for (int j = 0; j < s.length(); j++) {
            if (b[at + 2 + j] != (byte) s.charAt(j)) { // the names compared are ASCII
                return false;
            }
        }
        return true;
    }

    /** An attribute or code length: at most the class file's size. */
    private int length(int p) {
        long len = u4(p);
        if (len > b.length) {
            throw new IndexOutOfBoundsException("length " + len);
        }
        return (int) len;
    }

    private int u2(int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private long u4(int p) {
        return ((long) u2(p) << 16) | u2(p + 2);
    }

    private void u2out(int v) {
        u2(out, v);
    }

    private void u4out(int v) {
        u4(out, v);
    }

    private static void u2(ByteArrayOutputStream o, int v) {
        o.write(v >>> 8);
        o.write(v);
    }

    private static void u4(ByteArrayOutputStream o, int v) {
        u2(o, v >>> 16);
        u2(o, v & 0xFFFF);
    }
}
