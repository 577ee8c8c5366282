package io.dsdagent.api;

/** Status of a service check, as DogStatsD numbers them. */
public enum ServiceCheckStatus {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

    private final int code;

    ServiceCheckStatus(int code) {
        this.code = code;
    }

    /** The wire value, 0 to 3. */
    public int code() {
        return code;
    }
}
