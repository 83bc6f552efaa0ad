package org.understudy.api.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A device in the registry.
 *
 * @param id the device's stable id within its profile
 * @param profile the profile that knows this device family
 * @param firstSeen when the gateway first heard from it
 * @param lastSeen when the gateway last heard from it
 * @param attributes descriptive facts (model, firmware, MAC, ...)
 */
public record Device(String id, String profile, Instant firstSeen, Instant lastSeen,
                     Map<String, String> attributes) {
    public Device {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("device id must not be blank");
        }
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        attributes = attributes == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
