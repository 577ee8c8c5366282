package io.dsdagent.agent;

import io.dsdagent.agent.config.AgentArgs;
import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar dsd-agent.jar attach <pid> [SETTING=value ...]}: loads this jar into a running JVM
 * through byte-buddy-agent (the attach library of the design, relocated into the jar like ASM), which
 * finds the JDK's attach API on every JDK from 8 (its {@code tools.jar}) to 25.
 *
 * <p>A running JVM's environment and system properties cannot be changed from outside, so the settings
 * travel as the agent argument ({@link AgentArgs#join}: commas in values escaped) and win over the
 * target's own. The agent's start-up line and any warning appear on the target's stderr, and JDK 21+
 * prints its own notice there that an agent was loaded dynamically; that is expected.
 */
final class Attach {
    private Attach() {
    }

    /** Exit code: 0 attached, 1 the attach failed, 2 a usage error. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !isPid(args[1])) {
            err.println("usage: java -jar dsd-agent.jar attach <pid> [SETTING=value ...]");
            return 2;
        }
        List<String> settings = new ArrayList<String>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                err.println("[dsd-agent] '" + args[i] + "' is not SETTING=value (e.g. DD_SERVICE=shop)");
                return 2;
            }
            settings.add(args[i]);
        }
        File jar = ownJar();
        if (jar == null) {
            err.println("[dsd-agent] cannot find the agent jar this runs from; run it as java -jar dsd-agent.jar attach ...");
            return 1;
        }
        try {
            ByteBuddyAgent.attach(jar, args[1], AgentArgs.join(settings));
        } catch (Throwable t) {
            Throwable root = t; // byte-buddy-agent wraps the attach API's own exception, which names the problem
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("[dsd-agent] could not attach to JVM " + args[1] + ": " + root
                    + " (the target must be a running JVM of this user; a JRE without jdk.attach cannot attach)");
            return 1;
        }
        out.println("dsd-agent attached to JVM " + args[1] + (settings.isEmpty() ? "" : " with " + settings)
                + "; its start-up line is on that JVM's stderr");
        return 0;
    }

    private static boolean isPid(String s) {
        if (s.isEmpty() || s.length() > 19) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static File ownJar() {
        try {
            File f = new File(Attach.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return f.isFile() ? f : null;
        } catch (Exception e) {
            return null;
        }
    }
}
