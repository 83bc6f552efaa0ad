package org.understudy.profile.bloomsky;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * What a station upload contains (PROTOCOLS.md 1.1): the {@code Info} metadata of every POST to
 * {@code /devc/skydevice/} or {@code /devc/skydevice/<DeviceID>} becomes a reading (the cycle's three requests
 * repeat the same one, which the runtime records once); a JPEG body becomes a picture of that station at the
 * measurement's time; the firmware and hardware versions describe the device.
 */
final class Uploads {

    static final String PROFILE = "bloomsky";
    static final String PATH = "/devc/skydevice/";
    /** A device clock further than this from ours is not believed; the receive time is used. */
    static final Duration CLOCK_TRUST = Duration.ofDays(2);

    /** Info field, metric name, unit; numbers as sent (UV index and luminance are raw device values). */
    private static final List<String[]> NUMBERS = List.of(
            new String[] {"Temperature", "temperature", "Cel"},
            new String[] {"Humidity", "humidity", "%"},
            new String[] {"Pressure", "pressure", "hPa"},
            new String[] {"Voltage", "voltage", "mV"},
            new String[] {"UVIndex", "uv_index", ""},
            new String[] {"Luminance", "luminance", ""});
    private static final List<String[]> FLAGS = List.of(
            new String[] {"Rain", "rain"},
            new String[] {"ChargerStatus", "charging"});
    private static final List<String> ATTRIBUTES = List.of("DeviceType", "FWVersion1", "FWVersion2", "HWVersion");
    /** Every Info member read: the id, the time, the values and the attributes. */
    private static final java.util.Set<String> KNOWN_INFO = known();
    private static final java.util.regex.Pattern DEVICE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private Uploads() {
    }

    private static java.util.Set<String> known() {
        java.util.Set<String> names = new java.util.HashSet<>(List.of("DeviceID", "TS"));
        NUMBERS.forEach(n -> names.add(n[0]));
        FLAGS.forEach(f -> names.add(f[0]));
        names.addAll(ATTRIBUTES);
        return java.util.Set.copyOf(names);
    }

    static boolean isStationPath(String path) {
        return path.equals(PATH) || path.equals(PATH.substring(0, PATH.length() - 1))
                || path.startsWith(PATH) && path.indexOf('/', PATH.length()) < 0;
    }

    static Observation observe(HttpRequest request, int maxInfoLength, InvalidValues invalid) {
        if (!"POST".equals(request.method()) || !isStationPath(request.path())) {
            return Observation.UNKNOWN_ROUTE; // the station only ever posts there: anything else is news
        }
        JsonNode info = InfoParser.parse(request.rawQuery(), maxInfoLength).orElse(null);
        String pathId = request.path().length() > PATH.length() ? request.path().substring(PATH.length()) : "";
        String deviceId = info != null && info.hasNonNull("DeviceID") ? info.get("DeviceID").asText().trim() : pathId;
        if (!DEVICE_ID.matcher(deviceId).matches()) {
            return Observation.NONE;
        }
        Instant received = request.receivedAt();
        Instant measured = deviceTime(info, received);
        List<Reading> readings = List.of();
        List<Device> devices = List.of();
        if (info != null) {
            Map<String, MetricValue> metrics = new LinkedHashMap<>();
            for (String[] n : NUMBERS) {
                JsonNode v = info.get(n[0]);
                Double number = v == null || v.isNull() ? null : number(v);
                if (number != null) {
                    metrics.put(n[1], MetricValue.of(number, n[2]));
                } else if (v != null && !v.isNull()) {
                    invalid.seen(deviceId, n[0], v.toString());
                }
            }
            for (String[] f : FLAGS) {
                JsonNode v = info.get(f[0]);
                Double number = v == null || v.isNull() || v.isBoolean() ? null : number(v);
                if (v != null && v.isBoolean()) {
                    metrics.put(f[1], MetricValue.of(v.asBoolean()));
                } else if (number != null && (number == 0 || number == 1)) {
                    metrics.put(f[1], MetricValue.of(number != 0));
                } else if (v != null && !v.isNull()) {
                    invalid.seen(deviceId, f[0], v.toString());
                }
            }
            if (!metrics.isEmpty()) {
                readings = List.of(new Reading(deviceId, PROFILE, measured, received, metrics, Map.of()));
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String a : ATTRIBUTES) {
                if (info.hasNonNull(a)) {
                    attributes.put(a, info.get(a).asText());
                }
            }
            devices = List.of(new Device(deviceId, PROFILE, received, received, attributes));
        }
        List<Observation.Picture> pictures = isJpeg(request.body())
                ? List.of(new Observation.Picture(deviceId, measured, "image/jpeg", request.body())) : List.of();
        return new Observation(readings, pictures, devices).withUnknownFields(unknownFields(info));
    }

    /** Members of {@code Info} this profile does not read: a firmware that adds a sensor shows up in the quarantine. */
    private static List<String> unknownFields(JsonNode info) {
        if (info == null || !info.isObject()) {
            return List.of();
        }
        List<String> unknown = new java.util.ArrayList<>();
        info.fieldNames().forEachRemaining(name -> {
            if (!KNOWN_INFO.contains(name)) {
                unknown.add(name);
            }
        });
        return unknown;
    }

    /**
     * A field's number: a JSON number, or a text holding one ({@code "16.33"}, as a lenient firmware might
     * send); {@code null} for anything else ({@code "hot"}, an object, a non-finite value), which is not
     * stored as a metric but counted and shown in the profile's status (the raw upload stays in its flow).
     */
    private static Double number(JsonNode v) {
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else if (v.isTextual()) {
            try {
                d = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? d : null;
    }

    /** The station's TS when it is plausible, else when we received the upload. */
    private static Instant deviceTime(JsonNode info, Instant received) {
        if (info != null && info.hasNonNull("TS") && info.get("TS").canConvertToLong()) {
            Instant ts = Instant.ofEpochSecond(info.get("TS").asLong());
            if (Duration.between(ts, received).abs().compareTo(CLOCK_TRUST) <= 0) {
                return ts;
            }
        }
        return received;
    }

    /** JPEG/JFIF: starts with the SOI marker. */
    static boolean isJpeg(byte[] body) {
        return body.length > 3 && (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xd8 && (body[2] & 0xff) == 0xff;
    }
}
