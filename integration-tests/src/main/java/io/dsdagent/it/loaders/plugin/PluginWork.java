package io.dsdagent.it.loaders.plugin;

import io.dsdagent.annotation.Timed;

/** Loaded by {@code LoadersApp.RefusingLoader}, which refuses every {@code io.dsdagent.agent.*} name. */
public final class PluginWork {
    private PluginWork() {
    }

    @Timed("loaders.plugin")
    public static int run(int i) {
        return i * 7;
    }
}
