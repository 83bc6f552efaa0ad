package org.understudy.api.spi;

import java.time.Instant;
import java.util.List;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;

/**
 * What a profile found in a request: readings, pictures and devices to record. The proxy records all
 * of it durably before the device gets its reply.
 *
 * @param readings readings, in order
 * @param pictures binary objects to store
 * @param devices registry entries to create or refresh
 */
public record Observation(List<Reading> readings, List<Picture> pictures, List<Device> devices) {

    public static final Observation NONE = new Observation(List.of(), List.of(), List.of());

    /**
     * A picture (or other binary object) a device uploaded.
     *
     * @param deviceId the device
     * @param time when it was taken or received
     * @param contentType its MIME type
     * @param content its bytes (treat as read-only)
     */
    public record Picture(String deviceId, Instant time, String contentType, byte[] content) {}

    public Observation {
        readings = List.copyOf(readings);
        pictures = List.copyOf(pictures);
        devices = List.copyOf(devices);
    }

    public boolean isEmpty() {
        return readings.isEmpty() && pictures.isEmpty() && devices.isEmpty();
    }
}
