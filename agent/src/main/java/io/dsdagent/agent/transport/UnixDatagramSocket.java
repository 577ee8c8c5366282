package io.dsdagent.agent.transport;

import io.dsdagent.agent.telemetry.Telemetry.SendError;

/**
 * One native route to a Unix datagram socket: {@link FfmUnixDatagram} on Java 22+, {@link JunixsocketUnixDatagram}
 * below. Each send goes to the path afresh and never blocks. Only the aggregator thread calls it.
 */
interface UnixDatagramSocket {
    /** Sends one datagram; {@code null} when the kernel took it, else why it was dropped. */
    SendError trySend(byte[] payload, int length);

    /** What the last failed send reported (an errno or an exception), for the log line. */
    String failure();

    /** The largest datagram this route takes. */
    int maxDatagram();

    void close();
}
