package io.dsdagent.agent.config;

/** Where metrics go: a UDP host and port, or a Unix datagram or stream socket path. */
public final class Destination {
    public enum Kind { UDP, UNIX_DATAGRAM, UNIX_STREAM }

    public static final String DEFAULT_SOCKET = "/var/run/datadog/dsd.socket";

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
