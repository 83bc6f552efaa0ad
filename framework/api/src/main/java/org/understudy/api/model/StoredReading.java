package org.understudy.api.model;

import java.util.Objects;

/**
 * A reading as the store keeps it: with its position in the store's total order. Sequences start at 1,
 * increase strictly in commit order and are never reused; sinks keep their cursor as a sequence.
 */
public record StoredReading(long sequence, Reading reading) {
    public StoredReading {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
        Objects.requireNonNull(reading, "reading");
    }
}
