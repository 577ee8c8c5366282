package io.dsdagent.it.loaders.bundle;

import io.dsdagent.annotation.Timed;

/** The {@code @Timed} work of the test bundle: one method per framework, so each is counted apart. */
public final class BundleWork {
    @Timed("loaders.bundle")
    public int felix(int i) {
        return i + 100;
    }

    @Timed("loaders.bundle")
    public int equinox(int i) {
        return i + 200;
    }
}
