package io.dsdagent.agent.instrument.api;

import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.record.Source;
import io.dsdagent.agent.telemetry.Telemetry;
import io.dsdagent.bootstrap.Sink;

/**
 * The API's side of the bridge: ids for handles, and recording by id. A handle's id carries its
 * context's generation; {@link Registry#live} turns it into the slot the recorder takes, one compare on
 * the hot path. The {@code try*} entries tell a handle of the current API jar that its id went stale
 * (its context was evicted, or refused and there is room now) so it renews it; the older entries serve
 * API jars whose handles cannot renew, whose contexts are therefore pinned.
 */
public final class ApiRecorder {
    private final Registry registry;
    private final Recorder recorder;
    private final Telemetry telemetry;

    public ApiRecorder(Recorder recorder, Telemetry telemetry) {
        this.registry = recorder.registry();
        this.recorder = recorder;
        this.telemetry = telemetry;
    }

    public int resolve(int type, String name, String[] tags) {
        try {
            return registry.register(Source.API, type, name, tags);
        } catch (Throwable t) {
            telemetry.adviceError();
            return -1;
        }
    }

    /** The older API stub: its handles cannot renew their ids, so their contexts are pinned. */
    public int register(int type, String name, String[] tags) {
        try {
            return registry.registerPinned(Source.API, type, name, tags);
        } catch (Throwable t) {
            telemetry.adviceError();
            return -1;
        }
    }

    public int tryCount(int id, long delta) {
        int slot = registry.live(id);
        if (slot < 0) {
            return notLive(id);
        }
        recorder.count(slot, delta);
        return Sink.TAKEN;
    }

    public int tryGauge(int id, double value) {
        int slot = registry.live(id);
        if (slot < 0) {
            return notLive(id);
        }
        recorder.gauge(slot, value);
        return Sink.TAKEN;
    }

    public int tryRecordNanos(int id, long nanos) {
        return recorder.tryRecordNanos(id, nanos) ? Sink.TAKEN : notLive(id);
    }

    public int tryRecord(int id, double value) {
        return recorder.tryRecord(id, value) ? Sink.TAKEN : notLive(id);
    }

    public int trySetAdd(int id, String member) {
        int slot = registry.live(id);
        if (slot < 0) {
            return notLive(id);
        }
        recorder.setAdd(slot, member);
        return Sink.TAKEN;
    }

    /**
     * A handle's id is not live: evicted (the handle renews it), or refused earlier (it renews once the
     * API has room under the cap; until then each sample is dropped and counted once).
     */
    public int notLive(int id) {
        if (id >= 0 || registry.hasRoom(Source.API)) {
            return Sink.STALE;
        }
        telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        return Sink.TAKEN;
    }

    // the older stubs: ids from register (pinned), -1 (refused), or one a handle could not renew; a
    // sample that cannot be recorded is counted once, as for the cap

    public void count(int id, long delta) {
        if (tryCount(id, delta) != Sink.TAKEN) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        }
    }

    public void gauge(int id, double value) {
        if (tryGauge(id, value) != Sink.TAKEN) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        }
    }

    public void recordNanos(int id, long nanos) {
        if (tryRecordNanos(id, nanos) != Sink.TAKEN) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        }
    }

    public void record(int id, double value) {
        if (tryRecord(id, value) != Sink.TAKEN) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        }
    }

    public void setAdd(int id, String member) {
        if (trySetAdd(id, member) != Sink.TAKEN) {
            telemetry.drop(Telemetry.Drop.CONTEXT_CAP);
        }
    }
}
