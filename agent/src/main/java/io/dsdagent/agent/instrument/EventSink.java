package io.dsdagent.agent.instrument;

/**
 * Where the bridge hands DogStatsD events and service checks: implemented on the agent's side by
 * whatever queues raw messages for the sender (today {@code startup.EventQueue} over the aggregator).
 * Keeps {@link BridgeSink} free of the aggregator and the encoder. Never throws into the caller; may
 * allocate (events are rare and not on the recording path).
 */
public interface EventSink {
    void event(String title, String text, long timestampSeconds, String hostname, String aggregationKey,
               String priority, String sourceType, String alertType, String[] tags);

    void serviceCheck(String name, int status, long timestampSeconds, String hostname, String message,
                      String[] tags);
}
