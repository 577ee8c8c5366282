package io.dsdagent.agent.transport;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.Destination;
import io.dsdagent.agent.config.Setting;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;

/**
 * Chooses the transport for a destination. Runs on the aggregator thread, never in premain.
 *
 * <p>Unix datagram ({@code unix://}, {@code unixgram://}) goes through the JDK 22+ FFM API
 * ({@link FfmUnixDatagram}), and below Java 22 (or where FFM fails) through junixsocket in an isolated
 * class loader ({@link JunixsocketUnixDatagram}); Unix stream through the JDK 16+ {@code SocketChannel}.
 * Where no route works, one line says so and UDP is used instead: to {@code DD_AGENT_HOST} /
 * {@code DD_DOGSTATSD_PORT} when set, else {@code 127.0.0.1:8125}.
 */
public final class Transports {
    private Transports() {
    }

    public static Transport create(Config config, Telemetry telemetry) {
        Destination d = config.destination;
        SendWait wait = new SendWait(config.sendWaitMillis, telemetry);
        switch (d.kind) {
            case UNIX_DATAGRAM:
                String ffmFailure = null;
                if (javaFeature() >= 22) {
                    try {
                        return new UnixDatagramTransport(d.path, config.maxPacketSize, telemetry, new FfmUnixDatagram(d.path),
                                wait);
                    } catch (Throwable t) {
                        ffmFailure = "through the FFM API failed (" + t + ")";
                        if (t instanceof IllegalArgumentException) { // the path itself: no route can take it
                            return fallback(config, telemetry, d + ": Unix datagram " + ffmFailure);
                        }
                    }
                }
                try {
                    long t0 = System.nanoTime();
                    Transport t = new UnixDatagramTransport(d.path, config.maxPacketSize, telemetry,
                            new JunixsocketUnixDatagram(d.path, config.maxPacketSize), wait);
                    Log.debug(d + ": Unix datagram through junixsocket, loaded in "
                            + (System.nanoTime() - t0) / 1000000 + " ms");
                    return t;
                } catch (Throwable t) {
                    return fallback(config, telemetry, d + ": Unix datagram " + (ffmFailure == null ? "" : ffmFailure
                            + ", and ") + "through junixsocket failed on Java "
                            + System.getProperty("java.specification.version") + " (" + t + ")");
                }
            case UNIX_STREAM:
                if (UnixStreamTransport.available()) {
                    try {
                        return new UnixStreamTransport(d.path, config.maxPacketSize, telemetry,
                                config.flushIntervalMillis / 2, wait); // reconnects within one flush interval
                    } catch (Throwable t) {
                        return fallback(config, telemetry, d + ": Unix stream socket failed (" + t + ")");
                    }
                }
                return fallback(config, telemetry, d + ": Unix stream sockets need Java 16+; this is Java "
                        + System.getProperty("java.specification.version"));
            default:
                return new UdpTransport(d.host, d.port, config.maxPacketSize, telemetry);
        }
    }

    /** One line naming the problem and the UDP destination used instead. */
    private static Transport fallback(Config config, Telemetry telemetry, String why) {
        String host = config.raw(Setting.DD_AGENT_HOST);
        String portRaw = config.raw(Setting.DD_DOGSTATSD_PORT);
        int port = 8125;
        if (portRaw != null) {
            try {
                port = Integer.parseInt(portRaw);
            } catch (NumberFormatException ignored) {
                // Config has already warned about it
            }
        }
        int max = config.raw(Setting.DSD_AGENT_MAX_PACKET_SIZE) == null ? 1432 : config.maxPacketSize;
        UdpTransport udp = new UdpTransport(host == null ? "127.0.0.1" : host, port, max, telemetry);
        Log.warn(why + "; falling back to " + udp.describe());
        return udp;
    }

    /** The running Java's feature version (8 for 1.8). */
    static int javaFeature() {
        String v = System.getProperty("java.specification.version", "1.8");
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 8;
        }
    }
}
