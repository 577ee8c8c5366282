package io.dsdagent.agent.transport;

import io.dsdagent.agent.config.Config;
import io.dsdagent.agent.config.Destination;
import io.dsdagent.agent.log.Log;
import io.dsdagent.agent.telemetry.Telemetry;

/** Chooses the transport for a destination. Runs on the aggregator thread, never in premain. */
public final class Transports {
    private Transports() {
    }

    public static Transport create(Config config, Telemetry telemetry) {
        Destination d = config.destination;
        switch (d.kind) {
            case UDP:
                return new UdpTransport(d.host, d.port, config.maxPacketSize, telemetry);
            default:
                Log.warn(d + ": Unix socket transport is not available in this build; falling back to udp://127.0.0.1:8125");
                return new UdpTransport("127.0.0.1", 8125, Math.min(config.maxPacketSize, 1432), telemetry);
        }
    }
}
