package io.dsdagent.agent.log;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only logger: one line per problem to stderr, prefixed {@code [dsd-agent]}, never through
 * the application's logging framework (and never java.util.logging, which would fix the JUL
 * LogManager before application servers set theirs). {@link #warnOnce} keeps repeated problems to a
 * single line.
 */
public final class Log {
    public static final int ERROR = 0;
    public static final int WARN = 1;
    public static final int INFO = 2;
    public static final int DEBUG = 3;

    private static volatile int level = INFO;
    private static volatile PrintStream out = System.err;
    private static final ConcurrentHashMap<String, Boolean> ONCE = new ConcurrentHashMap<String, Boolean>();

    private Log() {
    }

    public static void setLevel(int newLevel) {
        level = newLevel;
    }

    public static int level() {
        return level;
    }

    /** Parses error|warn|info|debug (any case); -1 if it is none of them. */
    public static int parseLevel(String s) {
        if (s == null) {
            return -1;
        }
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("error")) {
            return ERROR;
        }
        if (v.equals("warn") || v.equals("warning")) {
            return WARN;
        }
        if (v.equals("info")) {
            return INFO;
        }
        if (v.equals("debug")) {
            return DEBUG;
        }
        if (v.equals("off")) {
            return ERROR - 1;
        }
        return -1;
    }

    /** For tests: redirect output. */
    public static void setOut(PrintStream stream) {
        out = stream;
    }

    public static boolean debugEnabled() {
        return level >= DEBUG;
    }

    public static void error(String msg) {
        log(ERROR, "ERROR", msg);
    }

    public static void warn(String msg) {
        log(WARN, "WARN", msg);
    }

    public static void info(String msg) {
        log(INFO, "INFO", msg);
    }

    public static void debug(String msg) {
        log(DEBUG, "DEBUG", msg);
    }

    /** Logs a warning the first time {@code key} is seen, and never again. */
    public static void warnOnce(String key, String msg) {
        if (ONCE.size() < 10_000 && ONCE.putIfAbsent(key, Boolean.TRUE) == null) {
            warn(msg);
        }
    }

    private static void log(int msgLevel, String tag, String msg) {
        if (msgLevel <= level) {
            out.println("[dsd-agent] " + tag + " " + msg);
        }
    }
}
