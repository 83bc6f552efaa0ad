package org.understudy.api.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One set of measurements a device reported at one time.
 *
 * @param deviceId the device's stable id within its profile (for example a Bloomsky DeviceID)
 * @param profile the id of the profile that produced the reading
 * @param time when the device measured (the device's own timestamp when it sends one)
 * @param receivedAt when the gateway received it
 * @param metrics metric name to value, in the order the device sent them; at least one
 * @param tags extra dimensions (firmware, location, ...); may be empty
 */
public record Reading(String deviceId, String profile, Instant time, Instant receivedAt,
                      Map<String, MetricValue> metrics, Map<String, String> tags) {

    public Reading {
        requireText(deviceId, "deviceId");
        requireText(profile, "profile");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(metrics, "metrics");
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("a reading needs at least one metric");
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        metrics.forEach((name, value) -> {
            requireText(name, "metric name");
            Objects.requireNonNull(value, "value of metric " + name);
        });
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
