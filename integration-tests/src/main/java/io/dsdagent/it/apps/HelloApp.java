package io.dsdagent.it.apps;

/** Prints a fixed text and exits with a chosen code: the agent must change neither. */
public final class HelloApp {
    public static void main(String[] args) {
        System.out.println("hello from the app");
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
