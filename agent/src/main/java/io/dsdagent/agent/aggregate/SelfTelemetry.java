package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;

import java.util.Arrays;

/**
 * The agent's own {@code dsd_agent.*} metrics, written by the aggregator at the end of every flush.
 *
 * <p>What must hold: every point is the growth of a running total since the last point that was
 * delivered, so a point lost with its datagram (the receiver was away, which is exactly when the drop
 * counters move) is carried into the next one and the sum of what arrives is the agent's total; totals
 * only grow, so no point is ever negative. Each drop total is read once per flush and used both for its
 * own point and for "recorded" (calls since the sink was installed = calls the aggregator took + calls
 * dropped before it could), so received + dropped = recorded holds in calls. Only the aggregator
 * thread uses this class.
 */
final class SelfTelemetry {
    private static final Telemetry.Drop[] DROPS = Telemetry.Drop.values();
    private static final Telemetry.SendError[] ERRORS = Telemetry.SendError.values();
    private static final int RECORDED = 0;
    private static final int PACKETS = 1;
    private static final int BYTES = 2;
    private static final int ADVICE_ERRORS = 3;
    private static final int MESSAGES_DROPPED = 4;
    private static final int BEFORE_START = 5;
    private static final int NOT_KEPT_QUEUE = 6;
    private static final int NOT_KEPT_SAMPLED = 7;
    private static final int SEND_WAIT = 8;
    private static final int EVICTED = 9;
    private static final int SAMPLES_DROPPED = 10;
    private static final int PACKETS_DROPPED = SAMPLES_DROPPED + DROPS.length;
    private static final int SLOTS = PACKETS_DROPPED + ERRORS.length;

    private final Registry registry;
    private final Recorder recorder;
    private final Telemetry telemetry;
    private final int[] ids = new int[SLOTS];
    private static final Source[] SOURCES = Source.values();
    /** One {@code dsd_agent.contexts} gauge per source, by ordinal. */
    private final int[] contextsIds = new int[SOURCES.length];
    /** Totals already delivered: a point is the total minus this. */
    private final long[] reported = new long[SLOTS];
    /** Total in the point written this flush, and the datagram it went out in (-1: none). */
    private final long[] pendingTotal = new long[SLOTS];
    private final long[] pendingDatagram = new long[SLOTS];
    private final long[] drops = new long[DROPS.length];
    private long notKeptQueue;
    private long notKeptSampled;

    SelfTelemetry(Registry registry, Recorder recorder, Telemetry telemetry) {
        this.registry = registry;
        this.recorder = recorder;
        this.telemetry = telemetry;
        ids[RECORDED] = registry.register(Registry.COUNT, "dsd_agent.samples.recorded");
        ids[PACKETS] = registry.register(Registry.COUNT, "dsd_agent.packets.sent");
        ids[BYTES] = registry.register(Registry.COUNT, "dsd_agent.bytes.sent");
        ids[ADVICE_ERRORS] = registry.register(Registry.COUNT, "dsd_agent.advice.errors");
        ids[MESSAGES_DROPPED] = registry.register(Registry.COUNT, "dsd_agent.messages.dropped");
        ids[BEFORE_START] = registry.register(Registry.COUNT, "dsd_agent.samples.before_start");
        ids[NOT_KEPT_QUEUE] = registry.register(Registry.COUNT, "dsd_agent.values.not_kept", "reason:queue_full");
        ids[NOT_KEPT_SAMPLED] = registry.register(Registry.COUNT, "dsd_agent.values.not_kept", "reason:max_samples");
        ids[SEND_WAIT] = registry.register(Registry.COUNT, "dsd_agent.send.wait_ms");
        ids[EVICTED] = registry.register(Registry.COUNT, "dsd_agent.contexts.evicted");
        for (Source s : SOURCES) {
            contextsIds[s.ordinal()] = registry.register(Registry.GAUGE, "dsd_agent.contexts", "source:" + s.tag);
        }
        for (int i = 0; i < DROPS.length; i++) {
            ids[SAMPLES_DROPPED + i] = registry.register(Registry.COUNT, "dsd_agent.samples.dropped",
                    "reason:" + DROPS[i].tag);
        }
        for (int i = 0; i < ERRORS.length; i++) {
            ids[PACKETS_DROPPED + i] = registry.register(Registry.COUNT, "dsd_agent.packets.dropped",
                    "reason:" + ERRORS[i].tag);
        }
        Arrays.fill(pendingDatagram, -1);
    }

    /** Values sent as a count only: not queued ({@code queueFull}), or left out of a full sample. */
    void notKept(long queueFull, long sampled) {
        notKeptQueue += queueFull;
        notKeptSampled += sampled;
    }

    /** Writes this flush's points; packets and bytes last, covering everything sent before them. */
    void emit(Packer packer, long stamp) {
        long droppedBefore = 0;
        for (int i = 0; i < DROPS.length; i++) {
            drops[i] = telemetry.dropped(DROPS[i]);
            if (DROPS[i].beforeRecorded) {
                droppedBefore += drops[i];
            }
        }
        emit(packer, RECORDED, recorder.recorded() + droppedBefore, stamp);
        emit(packer, ADVICE_ERRORS, telemetry.adviceErrors(), stamp);
        emit(packer, MESSAGES_DROPPED, telemetry.messagesDropped(), stamp);
        emit(packer, BEFORE_START, beforeStart(), stamp);
        emit(packer, NOT_KEPT_QUEUE, notKeptQueue, stamp);
        emit(packer, NOT_KEPT_SAMPLED, notKeptSampled, stamp);
        for (int i = 0; i < DROPS.length; i++) {
            emit(packer, SAMPLES_DROPPED + i, drops[i], stamp);
        }
        emit(packer, EVICTED, registry.evictions(), stamp);
        for (Source s : SOURCES) {
            ContextInfo c = registry.get(contextsIds[s.ordinal()]);
            if (c != null) {
                packer.timestamped(c, true, Double.doubleToRawLongBits(registry.live(s)), stamp);
            }
        }
        packer.flush();
        emit(packer, PACKETS, telemetry.packetsSent(), stamp);
        emit(packer, BYTES, telemetry.bytesSent(), stamp);
        emit(packer, SEND_WAIT, telemetry.waitedMillis(), stamp);
        for (int i = 0; i < ERRORS.length; i++) {
            emit(packer, PACKETS_DROPPED + i, telemetry.packetsDropped(ERRORS[i]), stamp);
        }
    }

    /**
     * Calls the bridge saw before the agent's sink was installed (not recorded, so not in
     * {@code samples.recorded}); a racy estimate the bridge keeps without a lock. Zero until the bridge
     * is installed, which the agent does only when it first weaves a class.
     */
    private long beforeStart() {
        if (!telemetry.isBridgeInstalled()) {
            return 0;
        }
        try {
            return Math.max(0, io.dsdagent.bootstrap.Bridge.droppedBeforeInstall());
        } catch (Throwable t) { // a bridge from another build: the figure is not essential
            return 0;
        }
    }

    /**
     * Writes the point {@code total - reported} of a counter. It counts as reported only once its
     * datagram was sent ({@link #settle}); a point that can never be written is not let grow.
     */
    private void emit(Packer packer, int slot, long total, long stamp) {
        ContextInfo c = registry.get(ids[slot]);
        long delta = total - reported[slot];
        if (c == null || delta <= 0) {
            return;
        }
        // telemetry points bypass the recorder: they are not samples the application recorded
        if (packer.timestamped(c, false, delta, stamp)) {
            pendingTotal[slot] = total;
            pendingDatagram[slot] = packer.datagram();
        } else {
            reported[slot] = total;
        }
    }

    /** After the flush's last datagram: the points that went out are reported, the others carried over. */
    void settle(Packer packer) {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (pendingDatagram[slot] >= 0) {
                if (packer.sent(pendingDatagram[slot])) {
                    reported[slot] = pendingTotal[slot];
                }
                pendingDatagram[slot] = -1;
            }
        }
    }
}
