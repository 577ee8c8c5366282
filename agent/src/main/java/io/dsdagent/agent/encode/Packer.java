package io.dsdagent.agent.encode;

import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.agent.transport.Transport;

/**
 * Writes DogStatsD messages straight into one reused datagram buffer and sends it when the next
 * message would not fit. A message is never split across datagrams; a datagram never exceeds the
 * transport's maximum payload; every message ends with {@code \n}. Packed value lines
 * ({@code name:v1:v2:...|ms|#tags}) are filled up to the room left in the current datagram and
 * continued on a new line in the next one. Only the aggregator thread uses a Packer; once warmed up it
 * allocates nothing.
 *
 * <p>Field order of a metric: {@code name:values|type|@rate|#tags|T<seconds>|c:<id>|e:<ext>|card:<c>}
 * (the Agent accepts any order; the origin fields are one suffix encoded once, see {@code Origin}).
 * {@code |T} is written only for counts and gauges and never together with a rate. NaN and infinite
 * values are dropped and counted ({@code nan_or_infinite}), never written.
 */
public final class Packer {
    private final Transport transport;
    private final Telemetry telemetry;
    private final byte[] packet;
    private final int max;
    private int len;
    private int messages;
    private final byte[] scratch = new byte[Numbers.MAX_LEN + 1];
    private final byte[] rateScratch = new byte[Numbers.MAX_LEN + 1];
    /** Origin fields ({@code |c:..|e:..|card:..}) appended to every metric, encoded once. */
    private final byte[] originSuffix;
    /** Recorded samples the lines in {@link #packet} stand for (see {@link Telemetry.Drop#SEND_FAILED}). */
    private long samples;
    /** Number of datagrams handed to the transport so far; the one being filled has this number. */
    private long datagrams;
    /** Bit {@code n & 63} set when datagram {@code n} could not be sent, for the last 64 datagrams. */
    private long failed;

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

    /**
     * {@code name:value|c|#tags|T<ts>} (or {@code |g}): one timestamped point. Other types never get a
     * {@code |T} (the Agent would discard them): they are written without it.
     */
    public boolean timestamped(ContextInfo ctx, boolean isDouble, long value, long timestampSeconds) {
        int n = isDouble ? writeDouble(scratch, Double.longBitsToDouble(value)) : Numbers.writeLong(scratch, 0, value);
        if (n < 0) {
            return false;
        }
        boolean stamp = timestampSeconds > 0 && (ctx.type == Registry.COUNT || ctx.type == Registry.GAUGE);
        int tsLen = stamp ? 2 + Numbers.digits(timestampSeconds) : 0;
        int need = ctx.nameBytes.length + 1 + n + ctx.typeBytes.length + ctx.tagBytes.length + tsLen
                + originSuffix.length + 1;
        if (!reserve(need)) {
            return false;
        }
        put(ctx.nameBytes);
        packet[len++] = ':';
        System.arraycopy(scratch, 0, packet, len, n);
        len += n;
        put(ctx.typeBytes);
        put(ctx.tagBytes);
        if (stamp) {
            packet[len++] = '|';
            packet[len++] = 'T';
            len = Numbers.writeLong(packet, len, timestampSeconds);
        }
        put(originSuffix);
        packet[len++] = '\n';
        messages++;
        return true;
    }

    /**
     * The line just written stands for {@code n} recorded samples (a count line: its value); counted as
     * {@code send_failed} if its datagram cannot be sent.
     */
    public void samples(long n) {
        samples += n;
    }

    /** Number of the datagram being filled: the one the line just written goes out in. */
    public long datagram() {
        return datagrams;
    }

    /** Whether datagram {@code number} (one of the last 64 handed to the transport) was sent. */
    public boolean sent(long number) {
        return number < datagrams && datagrams - number <= 64 && (failed & (1L << (number & 63))) == 0;
    }

    /** Value kinds for {@link #packed}. */
    public static final int NANOS = 0;
    public static final int DOUBLE_BITS = 1;

    /**
     * Packed values of one context: {@code name:v1:v2:...|type[|@rate]|#tags}, as many lines as needed.
     * {@code rate} is the sample rate; 1 (or anything outside (0, 1)) writes none.
     */
    public void packed(ContextInfo ctx, long[] values, int from, int to, int kind, double rate) {
        int rateLen = rate > 0 && rate < 1 ? DoubleWriter.write(rateScratch, 0, rate) : 0;
        long weight = rateLen > 0 ? (long) (1.0 / rate) : 1; // what the Datadog Agent counts per value
        int suffix = ctx.typeBytes.length + (rateLen == 0 ? 0 : rateLen + 2) + ctx.tagBytes.length
                + originSuffix.length + 1;
        int i = from;
        while (i < to) {
            int first = write(values[i], kind);
            i++;
            if (first < 0) {
                continue;
            }
            int minLine = ctx.nameBytes.length + 1 + first + suffix;
            if (minLine > max) {
                telemetry.drop(Telemetry.Drop.MESSAGE_TOO_LARGE, weight); // the calls the value stood for
                continue;
            }
            if (minLine > max - len) {
                flush();
            }
            put(ctx.nameBytes);
            packet[len++] = ':';
            System.arraycopy(scratch, 0, packet, len, first);
            len += first;
            long inLine = 1;
            while (i < to) {
                int n = write(values[i], kind);
                if (n < 0) {
                    i++;
                    continue;
                }
                if (len + 1 + n + suffix > max) {
                    break;
                }
                packet[len++] = ':';
                System.arraycopy(scratch, 0, packet, len, n);
                len += n;
                inLine++;
                i++;
            }
            samples += inLine * weight;
            put(ctx.typeBytes);
            if (rateLen > 0) {
                packet[len++] = '|';
                packet[len++] = '@';
                System.arraycopy(rateScratch, 0, packet, len, rateLen);
                len += rateLen;
            }
            put(ctx.tagBytes);
            put(originSuffix);
            packet[len++] = '\n';
            messages++;
        }
    }

    /**
     * One set member line: {@code name:member|s|#tags}. The member is written as UTF-8 in place; a
     * {@code |} or control character in it becomes {@code _} (a {@code :} is fine: sets are never
     * unpacked); an empty member is sent as {@code _} (the Agent rejects an empty value).
     */
    public void setMember(ContextInfo ctx, CharSequence member) {
        int m = member.length() == 0 ? 1 : Utf8.length(member, Utf8.FIELD);
        int need = ctx.nameBytes.length + 1 + m + ctx.typeBytes.length + ctx.tagBytes.length
                + originSuffix.length + 1;
        if (!reserve(need)) {
            return;
        }
        put(ctx.nameBytes);
        packet[len++] = ':';
        if (member.length() == 0) {
            packet[len++] = '_';
        } else {
            len = Utf8.write(packet, len, member, Utf8.FIELD);
        }
        put(ctx.typeBytes);
        put(ctx.tagBytes);
        put(originSuffix);
        packet[len++] = '\n';
        messages++;
        samples++;
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

    /** The value's ASCII in {@code scratch}; -1 (dropped and counted) for NaN and infinities. */
    private int write(long v, int kind) {
        return kind == NANOS ? Numbers.writeNanosAsMillis(scratch, 0, v)
                : writeDouble(scratch, Double.longBitsToDouble(v));
    }

    private int writeDouble(byte[] buf, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            telemetry.drop(Telemetry.Drop.NAN);
            return -1;
        }
        return Numbers.writeDouble(buf, 0, d);
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

    /**
     * A flush begins ({@code last}: the final one): the transport's wait budget for full sockets starts
     * afresh, so a receiver that stopped reading costs at most one budget per flush.
     */
    public void newFlush(boolean last) {
        transport.newFlush(last);
    }

    /** Sends what is buffered. */
    public void flush() {
        if (len == 0) {
            return;
        }
        long bit = 1L << (datagrams & 63);
        if (transport.send(packet, len, samples)) {
            failed &= ~bit;
        } else {
            telemetry.messagesLost(messages);
            if (samples != 0) {
                telemetry.drop(Telemetry.Drop.SEND_FAILED, samples);
            }
            failed |= bit;
        }
        datagrams++;
        len = 0;
        messages = 0;
        samples = 0;
    }
}
