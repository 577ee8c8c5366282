package io.dsdagent.agent.startup;

import io.dsdagent.agent.aggregate.Aggregator;
import io.dsdagent.agent.encode.EventEncoder;
import io.dsdagent.agent.instrument.EventSink;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Events and service checks from the API, queued on the aggregator as raw messages and encoded on its
 * thread, when the packer knows the datagram size and the origin suffix (read after {@code premain}).
 * The adapter that keeps the bridge's sink free of the aggregator and the encoder; it may go once the
 * aggregator implements {@link EventSink} itself.
 */
final class EventQueue implements EventSink {
    private final Aggregator aggregator;
    private final String[] constantTags;
    private final AtomicReference<byte[]> originSuffix;

    EventQueue(Aggregator aggregator, String[] constantTags, AtomicReference<byte[]> originSuffix) {
        this.aggregator = aggregator;
        this.constantTags = constantTags;
        this.originSuffix = originSuffix;
    }

    @Override
    public void event(final String title, final String text, final long timestampSeconds, final String hostname,
                      final String aggregationKey, final String priority, final String sourceType,
                      final String alertType, final String[] tags) {
        aggregator.offerRaw(new Aggregator.Outbound() {
            @Override
            public byte[] encode(int maxBytes) {
                return EventEncoder.event(title, text, timestampSeconds, hostname, aggregationKey, priority,
                        sourceType, alertType, tags, constantTags, originSuffix.get(), maxBytes);
            }
        });
    }

    @Override
    public void serviceCheck(final String name, final int status, final long timestampSeconds,
                             final String hostname, final String message, final String[] tags) {
        aggregator.offerRaw(new Aggregator.Outbound() {
            @Override
            public byte[] encode(int maxBytes) {
                return EventEncoder.serviceCheck(name, status, timestampSeconds, hostname, message, tags,
                        constantTags, originSuffix.get(), maxBytes);
            }
        });
    }
}
