package org.understudy.api.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A query over one device's readings in a half-open time range {@code [from, to)}.
 *
 * @param deviceId the device
 * @param metric one metric name, or {@code null} for all metrics of the device
 * @param from inclusive start
 * @param to exclusive end
 * @param step bucket width for downsampling, or {@code null} for raw values
 */
public record ReadingQuery(String deviceId, String metric, Instant from, Instant to, Duration step) {
    public ReadingQuery {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' must be before 'to'");
        }
        if (step != null && (step.isNegative() || step.isZero())) {
            throw new IllegalArgumentException("step must be positive");
        }
    }
}
