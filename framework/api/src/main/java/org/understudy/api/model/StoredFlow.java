package org.understudy.api.model;

import java.util.Objects;

/**
 * A flow as the store keeps it: with its id, which increases strictly in commit order and is never
 * reused, so that a reader can keep its place with a cursor.
 */
public record StoredFlow(long id, Flow flow) {
    public StoredFlow {
        if (id < 1) {
            throw new IllegalArgumentException("id must be >= 1, got " + id);
        }
        Objects.requireNonNull(flow, "flow");
    }
}
