package io.dsdagent.agent.encode;

import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.transport.Transport;

/**
 * Writes DogStatsD messages straight into one reused datagram buffer and sends it when the next
 * message would not fit. A message is never split across datagrams; a datagram never exceeds the
 * transport's maximum payload; every message ends with {@code \n}. Packed value lines
 * ({@code name:v1:v2:...|ms|#tags}) are filled up to the room left in the current datagram and
 * continued on a new line in the next one. Only the aggregator thread uses a Packer.
 */
public final class Packer {
    private final Transport transport;
    private final Telemetry telemetry;
    private final byte[] packet;
    private final int max;
    private int len;
    private int messages;
    private final byte[] scratch = new byte[Numbers.MAX_LEN + 1];
    /** Origin fields ({@code |card:..|c:..|e:..}) appended to every metric, encoded once. */
    private final byte[] originSuffix;
    private long messagesSent;

    public Packer(Transport transport, Telemetry telemetry, byte[] originSuffix) {
        this.transport = transport;
        this.telemetry = telemetry;
        this.max = transport.maxPayload();
        this.packet = new byte[max];
        this.originSuffix = originSuffix == null ? new byte[0] : originSuffix;
    }

    public int maxPayload() {
        return max;
    }

    /** Messages handed to the transport successfully so far. */
    public long messagesSent() {
        return messagesSent;
    }

    /** {@code name:value|c|#tags|T<ts>} (or {@code |g}): one timestamped point. */
    public void timestamped(ContextInfo ctx, boolean isDouble, long value, long timestampSeconds) {
        int n = isDouble ? Numbers.writeDouble(scratch, 0, Double.longBitsToDouble(value))
                : Numbers.writeLong(scratch, 0, value);
        int tsLen = 2 + Numbers.digits(timestampSeconds);
        int need = ctx.nameBytes.length + 1 + n + ctx.typeBytes.length + ctx.tagBytes.length + tsLen
                + originSuffix.length + 1;
        if (!reserve(need)) {
            return;
        }
        put(ctx.nameBytes);
        packet[len++] = ':';
        System.arraycopy(scratch, 0, packet, len, n);
        len += n;
        put(ctx.typeBytes);
        put(ctx.tagBytes);
        packet[len++] = '|';
        packet[len++] = 'T';
        len = Numbers.writeLong(packet, len, timestampSeconds);
        put(originSuffix);
        packet[len++] = '\n';
        messages++;
    }

    /** Value kinds for {@link #packed}. */
    public static final int NANOS = 0;
    public static final int DOUBLE_BITS = 1;

    /**
     * Packed values of one context: {@code name:v1:v2:...|type[|@rate]|#tags}, as many lines as needed.
     * {@code rate} is the ASCII of the sample rate without {@code @}, or null for none.
     */
    public void packed(ContextInfo ctx, long[] values, int from, int to, int kind, byte[] rate) {
        int suffix = ctx.typeBytes.length + (rate == null ? 0 : rate.length + 2) + ctx.tagBytes.length
                + originSuffix.length + 1;
        int i = from;
        while (i < to) {
            int first = write(values[i], kind);
            int minLine = ctx.nameBytes.length + 1 + first + suffix;
            if (minLine > max) {
                telemetry.drop(Telemetry.Drop.MESSAGE_TOO_LARGE, to - i);
                return;
            }
            if (minLine > max - len) {
                flush();
            }
            put(ctx.nameBytes);
            packet[len++] = ':';
            System.arraycopy(scratch, 0, packet, len, first);
            len += first;
            i++;
            while (i < to) {
                int n = write(values[i], kind);
                if (len + 1 + n + suffix > max) {
                    break;
                }
                packet[len++] = ':';
                System.arraycopy(scratch, 0, packet, len, n);
                len += n;
                i++;
            }
            put(ctx.typeBytes);
            if (rate != null) {
                packet[len++] = '|';
                packet[len++] = '@';
                put(rate);
            }
            put(ctx.tagBytes);
            put(originSuffix);
            packet[len++] = '\n';
            messages++;
        }
    }

    /** One set member line: {@code name:member|s|#tags}. */
    public void setMember(ContextInfo ctx, byte[] member) {
        int need = ctx.nameBytes.length + 1 + member.length + ctx.typeBytes.length + ctx.tagBytes.length
                + originSuffix.length + 1;
        if (!reserve(need)) {
            return;
        }
        put(ctx.nameBytes);
        packet[len++] = ':';
        put(member);
        put(ctx.typeBytes);
        put(ctx.tagBytes);
        put(originSuffix);
        packet[len++] = '\n';
        messages++;
    }

    /** A complete message without its trailing newline (events, service checks). */
    public void raw(byte[] message, int length) {
        if (!reserve(length + 1)) {
            return;
        }
        System.arraycopy(message, 0, packet, len, length);
        len += length;
        packet[len++] = '\n';
        messages++;
    }

    private int write(long v, int kind) {
        return kind == NANOS ? Numbers.writeNanosAsMillis(scratch, 0, v)
                : Numbers.writeDouble(scratch, 0, Double.longBitsToDouble(v));
    }

    /** Makes room for a message of {@code need} bytes; false (and counted) if it can never fit. */
    private boolean reserve(int need) {
        if (need > max) {
            telemetry.drop(Telemetry.Drop.MESSAGE_TOO_LARGE);
            return false;
        }
        if (need > max - len) {
            flush();
        }
        return true;
    }

    private void put(byte[] b) {
        System.arraycopy(b, 0, packet, len, b.length);
        len += b.length;
    }

    /** Sends what is buffered. */
    public void flush() {
        if (len == 0) {
            return;
        }
        if (transport.send(packet, len)) {
            messagesSent += messages;
        } else {
            telemetry.messagesLost(messages);
        }
        len = 0;
        messages = 0;
    }
}
