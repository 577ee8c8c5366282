package io.dsdagent.agent.aggregate;

import io.dsdagent.agent.encode.Packer;
import io.dsdagent.agent.record.ContextInfo;
import io.dsdagent.agent.record.CountTake;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;

import java.util.Arrays;

/**
 * Each context's interval, from what the recorder hands over to the lines the packer writes: drained
 * values into per-context {@link ValueState}s, then at flush one count line per counter called, and
 * value lines whose sample rates carry the exact count.
 *
 * <p>What must hold: a value context's count for an interval is the values drained for it plus the
 * values the recorder could not queue for it ({@link Recorder#takeDropped}), and the weights the Datadog
 * Agent gives the lines sent ({@code int(1/rate)}) sum to exactly that; every line stands for the calls
 * behind it, for {@code send_failed}. Only the aggregator thread uses this class.
 */
final class ContextFlush implements Recorder.ChunkConsumer {
    private static final int IDLE_EVICT = 5;

    private final Recorder recorder;
    private final Telemetry telemetry;
    private final SelfTelemetry self;
    private final int cap;
    private final Xorshift rnd = new Xorshift(System.nanoTime());
    private final SampleRates rates = new SampleRates();
    private final CountTake countTake = new CountTake();
    private ValueState[] states = new ValueState[64];
    private Packer packer;

    /** {@code self} may be null (telemetry off); {@code cap}: values kept per context per interval. */
    ContextFlush(Recorder recorder, Telemetry telemetry, SelfTelemetry self, int cap) {
        this.recorder = recorder;
        this.telemetry = telemetry;
        this.self = self;
        this.cap = cap;
    }

    /** The packer, created on the aggregator thread once it runs. */
    void packer(Packer p) {
        packer = p;
    }

    /**
     * One count line per counter that was called: its exact sum (beyond the long range in the encoder's
     * shortest float64 form, which the Datadog Agent parses counts as anyway), standing for its calls.
     */
    boolean count(ContextInfo ctx, long stamp) {
        recorder.takeCount(ctx.id, countTake);
        if (countTake.calls == 0 && countTake.isZero()) {
            return false;
        }
        boolean written = countTake.fitsLong()
                ? packer.timestamped(ctx, false, countTake.low(), stamp)
                : packer.timestamped(ctx, true, Double.doubleToRawLongBits(countTake.asDouble()), stamp);
        if (written) {
            packer.samples(countTake.calls);
        } else if (countTake.calls > 1) { // the packer counted the line once; it stood for its calls
            telemetry.drop(Telemetry.Drop.MESSAGE_TOO_LARGE, countTake.calls - 1);
        }
        return true;
    }

    /** After the final flush's lines: counter calls that came in after their take are counted as shutdown. */
    void lateCalls(Registry registry, int n) {
        for (int id = 0; id < n; id++) {
            ContextInfo ctx = registry.get(id);
            if (ctx != null && ctx.type == Registry.COUNT) {
                long late = recorder.takeLateCalls(id, countTake);
                if (late > 0) {
                    telemetry.drop(Telemetry.Drop.SHUTDOWN, late);
                }
            }
        }
    }

    /**
     * A timer, histogram, distribution or set context's lines for the interval; a context with nothing
     * for {@value #IDLE_EVICT} intervals frees its state. Returns whether the context had values (kept
     * or dropped) this interval, for the live cap's eviction.
     */
    boolean values(ContextInfo ctx) {
        long dropped = ctx.type == Registry.SET ? 0 : recorder.takeDropped(ctx.id);
        ValueState st = ctx.id < states.length ? states[ctx.id] : null;
        if (dropped > 0 && (st == null || st.count == 0)) {
            // every value of the interval was dropped: the last one carries the whole count
            st = state(ctx.id);
            st.add(recorder.lastDropped(ctx.id), cap, rnd);
            dropped--;
        }
        if (st == null) {
            return false;
        }
        if (st.count == 0) {
            if (++st.idleIntervals >= IDLE_EVICT) {
                states[ctx.id] = null; // evict: frees the sample buffer of a context gone quiet
            }
            return false;
        }
        st.idleIntervals = 0;
        if (ctx.type == Registry.SET) {
            flushSet(ctx, st);
            return true;
        }
        if (self != null) {
            self.notKept(dropped, st.count - st.kept);
        }
        sendWeighted(ctx, st, st.count + dropped);
        st.reset();
        return true;
    }

    /**
     * The kept values standing for {@code total} calls: weights {@code base + 1} for the first
     * {@code total % kept} values and {@code base} for the rest, so the Datadog Agent's {@code int(1/rate)}
     * weights sum to exactly {@code total} ({@link SampleRates}).
     */
    private void sendWeighted(ContextInfo ctx, ValueState st, long total) {
        int kind = ctx.nanos ? Packer.NANOS : Packer.DOUBLE_BITS;
        int k = st.kept;
        long base = total / k;
        int rem = (int) (total % k);
        if (rem > 0) {
            packer.packed(ctx, st.samples, 0, rem, kind, rates.forWeight(base + 1));
        }
        packer.packed(ctx, st.samples, rem, k, kind, rates.forWeight(base));
    }

    /** One line per distinct member; the first stands for the repeated adds too (telemetry counts calls). */
    private void flushSet(ContextInfo ctx, ValueState st) {
        boolean first = true;
        for (String m : st.members) {
            packer.setMember(ctx, m);
            if (first) {
                packer.samples(st.count - st.members.size() - st.refused);
                first = false;
            }
        }
        st.reset();
    }

    /** Receives drained value samples. */
    @Override
    public void accept(int[] ids, long[] values, Object[] refs, int size) {
        for (int i = 0; i < size; i++) {
            int id = ids[i];
            ValueState st = state(id);
            if (refs != null && refs[i] != null) {
                if (!st.addMember(SetMembers.bound((String) refs[i]), cap)) {
                    telemetry.drop(Telemetry.Drop.SET_CAP);
                }
            } else {
                st.add(values[i], cap, rnd);
            }
        }
    }

    private ValueState state(int id) {
        if (id >= states.length) {
            states = Arrays.copyOf(states, Math.max(id + 1, states.length * 2));
        }
        ValueState st = states[id];
        if (st == null) {
            st = new ValueState();
            states[id] = st;
        }
        return st;
    }
}
