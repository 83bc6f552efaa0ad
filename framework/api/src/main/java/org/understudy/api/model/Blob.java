package org.understudy.api.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Metadata of a stored binary object (a picture). The bytes live in the store under {@code sha256}.
 *
 * @param sha256 lowercase hex SHA-256 of the content; also its name on disk
 * @param contentType MIME type as the device sent it (for example {@code image/jpeg})
 * @param size content length in bytes
 * @param deviceId the device it came from; empty for a flow's body, which belongs to no one device
 * @param profile the profile that recorded it
 * @param time when the device took it (or when it was received)
 */
public record Blob(String sha256, String contentType, long size, String deviceId, String profile,
                   Instant time) {
    public Blob {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
        Objects.requireNonNull(contentType, "contentType");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(time, "time");
    }
}
