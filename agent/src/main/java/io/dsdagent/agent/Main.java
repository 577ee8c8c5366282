package io.dsdagent.agent;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.Setting;
import io.dsdagent.agent.listen.Listener;
import io.dsdagent.agent.startup.Version;

import java.io.PrintStream;

/**
 * {@code java -jar dsd-agent.jar}: prints the version and the effective configuration read from the
 * current environment (the user's first diagnostic). {@code java -jar dsd-agent.jar listen ...} runs
 * the built-in local receiver; {@code java -jar dsd-agent.jar attach <pid> [SETTING=value ...]} loads
 * the agent into a running JVM ({@link Attach}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args.length > 0 && args[0].equals("listen")) {
            System.exit(Listener.run(args, out));
            return;
        }
        if (args.length > 0 && args[0].equals("attach")) {
            System.exit(Attach.run(args, out, System.err));
            return;
        }
        if (args.length > 0) {
            out.println("usage: java -jar dsd-agent.jar            print version and effective configuration");
            out.println("       java -jar dsd-agent.jar listen [--udp PORT | --unix PATH | --unixstream PATH] [--seconds N] [--raw | --summary [--interval 10s]]");
            out.println("       java -jar dsd-agent.jar attach <pid> [SETTING=value ...]");
            System.exit(2);
            return;
        }
        Config c = Config.fromSystem();
        out.println("dsd-agent " + Version.get() + " on Java " + System.getProperty("java.version"));
        out.println("enabled:      " + c.enabled);
        out.println("destination:  " + c.destination + "  (from " + c.destinationSource + ")");
        out.println("max packet:   " + c.maxPacketSize + " bytes");
        out.println("flush every:  " + c.flushIntervalMillis + " ms");
        out.println("tags:         " + (c.constantTags.isEmpty() ? "(none)" : String.join(",", c.constantTags)));
        out.println("settings:");
        for (Setting s : Setting.values()) {
            String v = c.raw(s);
            out.println(String.format("  %-36s %s", s.env(), v == null ? "(default " + s.defaultValue() + ")" : v));
        }
    }
}
