package io.dsdagent.agent.config;

import io.dsdagent.agent.log.Log;

import java.util.Locale;

/**
 * Where metrics go: a UDP host and port, or a Unix datagram or stream socket path; and the rule that
 * picks it: {@code DD_DOGSTATSD_URL}, else {@code DD_AGENT_HOST}/{@code DD_DOGSTATSD_PORT}, else
 * {@link #DEFAULT_SOCKET} if it exists (Unix datagram), else UDP {@code 127.0.0.1:8125}. A bad value
 * is named in one line and the next rule applies: the application always starts.
 */
public final class Destination {
    public enum Kind { UDP, UNIX_DATAGRAM, UNIX_STREAM }

    public static final String DEFAULT_SOCKET = "/var/run/datadog/dsd.socket";
    private static final int DEFAULT_PORT = 8125;

    public final Kind kind;
    public final String host;
    public final int port;
    public final String path;

    private Destination(Kind kind, String host, int port, String path) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    public static Destination udp(String host, int port) {
        return new Destination(Kind.UDP, host, port, null);
    }

    public static Destination unixDatagram(String path) {
        return new Destination(Kind.UNIX_DATAGRAM, null, 0, path);
    }

    public static Destination unixStream(String path) {
        return new Destination(Kind.UNIX_STREAM, null, 0, path);
    }

    public boolean isUnix() {
        return kind != Kind.UDP;
    }

    /** The destination {@code c}'s settings choose; {@code source[0]} gets where it came from. */
    static Destination resolve(Config c, Config.FileCheck files, String[] source) {
        String url = c.raw(Setting.DD_DOGSTATSD_URL);
        if (url != null) {
            Destination d = parseUrl(url);
            if (d != null) {
                source[0] = Setting.DD_DOGSTATSD_URL.env();
                return d;
            }
            Log.warn("DD_DOGSTATSD_URL='" + url + "' is not udp://host:port, unix://, unixgram:// or unixstream://path; ignoring it");
        }
        String host = c.raw(Setting.DD_AGENT_HOST);
        String portRaw = c.raw(Setting.DD_DOGSTATSD_PORT);
        if (host != null || portRaw != null) {
            source[0] = host != null ? "DD_AGENT_HOST" : "DD_DOGSTATSD_PORT";
            int port = portRaw == null ? DEFAULT_PORT : port(portRaw);
            if (port < 0) {
                Log.warn(Setting.DD_DOGSTATSD_PORT.env() + "='" + portRaw + "' is not a port; using " + DEFAULT_PORT);
                port = DEFAULT_PORT;
            }
            return udp(host == null ? "127.0.0.1" : host, port);
        }
        if (files.exists(DEFAULT_SOCKET)) {
            source[0] = "default socket";
            return unixDatagram(DEFAULT_SOCKET);
        }
        source[0] = "default";
        return udp("127.0.0.1", DEFAULT_PORT);
    }

    /** Parses a DD_DOGSTATSD_URL; null if it is not one. */
    public static Destination parseUrl(String url) {
        String u = url.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("udp://")) {
            return parseUdp(u.substring(6));
        }
        String path;
        if (lower.startsWith("unixgram://")) {
            path = u.substring(11);
            return path.isEmpty() ? null : unixDatagram(path);
        }
        if (lower.startsWith("unixstream://")) {
            path = u.substring(13);
            return path.isEmpty() ? null : unixStream(path);
        }
        if (lower.startsWith("unix://")) {
            path = u.substring(7);
            return path.isEmpty() ? null : unixDatagram(path);
        }
        return null;
    }

    /** {@code host[:port][/...]} or {@code [v6][:port]}; null if malformed. */
    private static Destination parseUdp(String rest) {
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash);
        }
        String host;
        String portPart = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = rest.substring(1, close);
            if (close + 1 < rest.length()) {
                if (rest.charAt(close + 1) != ':') {
                    return null;
                }
                portPart = rest.substring(close + 2);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            host = colon >= 0 ? rest.substring(0, colon) : rest;
            portPart = colon >= 0 ? rest.substring(colon + 1) : null;
        }
        int port = portPart == null ? DEFAULT_PORT : port(portPart);
        return host.isEmpty() || port < 0 ? null : udp(host, port);
    }

    /** 1..65535, or -1. */
    private static int port(String v) {
        long p = Config.parseNonNegative(v);
        return p < 1 || p > 65535 ? -1 : (int) p;
    }

    @Override
    public String toString() {
        switch (kind) {
            case UDP:
                return "udp://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
            case UNIX_DATAGRAM:
                return "unixgram://" + path;
            default:
                return "unixstream://" + path;
        }
    }
}
