package org.understudy.store.memory;

import org.understudy.api.Description;

/** Limits of the in-memory store; the oldest entries go first when a limit is reached. */
@Description("In-memory reading store (for tests and trials: everything is lost on restart).")
public record MemoryStoreConfig(
        @Description("Maximum readings kept; the oldest are dropped beyond it.") int maxReadings,
        @Description("Maximum flows kept; the oldest are dropped beyond it.") int maxFlows,
        @Description("Maximum total bytes of blobs kept; the oldest are dropped beyond it.") long maxBlobBytes) {

    public MemoryStoreConfig {
        if (maxReadings < 1) {
            throw new IllegalArgumentException("maxReadings must be at least 1, got " + maxReadings);
        }
        if (maxFlows < 0) {
            throw new IllegalArgumentException("maxFlows must not be negative, got " + maxFlows);
        }
        if (maxBlobBytes < 0) {
            throw new IllegalArgumentException("maxBlobBytes must not be negative, got " + maxBlobBytes);
        }
    }

    static final MemoryStoreConfig DEFAULTS = new MemoryStoreConfig(1_000_000, 10_000, 64L * 1024 * 1024);
}
