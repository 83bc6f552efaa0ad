package org.understudy.api.spi;

import java.time.Instant;
import java.util.List;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;

/**
 * What a profile found in a request: readings, pictures and devices to record. The proxy records all
 * of it durably before the device gets its reply. Since 0.5 it also says what the profile did not understand,
 * so that a firmware speaking a changed protocol is noticed the day it happens (the proxy keeps these in its
 * quarantine, each once with a count).
 *
 * @param readings readings, in order
 * @param pictures binary objects to store
 * @param devices registry entries to create or refresh
 * @param unknownRoute the request is to a host of this profile, but none of its routes takes it (a new endpoint)
 * @param unknownFields names of the fields the request carried that the profile does not read (query parameters,
 *     form fields, JSON members), in the order met; never their values, which may be secrets
 */
public record Observation(List<Reading> readings, List<Picture> pictures, List<Device> devices, boolean unknownRoute,
                          List<String> unknownFields) {

    public static final Observation NONE = new Observation(List.of(), List.of(), List.of());

    /** A request no route of the profile takes: nothing to record, and worth a person's look (since 0.5). */
    public static final Observation UNKNOWN_ROUTE = new Observation(List.of(), List.of(), List.of(), true, List.of());

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
        unknownFields = unknownFields == null ? List.of() : List.copyOf(unknownFields);
    }

    /** What a request held, all of it understood. */
    public Observation(List<Reading> readings, List<Picture> pictures, List<Device> devices) {
        this(readings, pictures, devices, false, List.of());
    }

    /** This observation, also naming the fields the profile does not read (since 0.5). */
    public Observation withUnknownFields(List<String> names) {
        return names.isEmpty() ? this : new Observation(readings, pictures, devices, unknownRoute, names);
    }

    /** Nothing to record (whatever it says about unknown routes or fields). */
    public boolean isEmpty() {
        return readings.isEmpty() && pictures.isEmpty() && devices.isEmpty();
    }
}
