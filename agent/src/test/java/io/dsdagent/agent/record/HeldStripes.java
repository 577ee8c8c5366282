package io.dsdagent.agent.record;

/** For tests outside this package: holds every stripe of a recorder as preempted writers would. */
public final class HeldStripes {
    private final Recorder recorder;
    private final Chunk[] held;

    public HeldStripes(Recorder recorder) {
        this.recorder = recorder;
        this.held = new Chunk[recorder.stripes()];
        for (int i = 0; i < held.length; i++) {
            held[i] = recorder.holdStripe(i);
        }
    }

    public void release() {
        for (int i = 0; i < held.length; i++) {
            recorder.releaseStripe(i, held[i]);
        }
    }
}
