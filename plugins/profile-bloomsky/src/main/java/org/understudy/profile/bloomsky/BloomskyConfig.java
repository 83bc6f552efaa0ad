package org.understudy.profile.bloomsky;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.understudy.api.Description;

/** Configuration of the Bloomsky profile (pid {@code understudy.bloomsky}). */
@Description("Bloomsky SKY1/SKY2 weather stations: readings and pictures from their uploads, and the backend's "
        + "reply (with today's sunrise and sunset) while it is unreachable.")
public record BloomskyConfig(
        @Description("Backend hostnames the stations use.") List<String> hosts,
        @Description("Station latitude in degrees (north positive), for sunrise and sunset; empty = shift the learned times by whole days.") String latitude,
        @Description("Station longitude in degrees (east positive).") String longitude,
        @Description("Time zone of the station's day (e.g. Asia/Kolkata); 'auto' = from the longitude.") String timeZone,
        @Description("How long a station waits for the backend's reply; past it the gateway answers itself.") Duration replyDeadline,
        @Description("Largest Info metadata accepted, in characters.") int maxInfoLength) {

    public static final BloomskyConfig DEFAULTS = new BloomskyConfig(List.of("bskybackend.bloomsky.com"), "", "", "auto",
            Duration.ofSeconds(4), 4096);

    public BloomskyConfig {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts must name at least one backend hostname");
        }
        latitude = latitude == null ? "" : latitude.trim();
        longitude = longitude == null ? "" : longitude.trim();
        if (latitude.isEmpty() != longitude.isEmpty()) {
            throw new IllegalArgumentException("set both latitude and longitude, or neither");
        }
        if (!latitude.isEmpty()) {
            double lat = number(latitude, "latitude");
            double lon = number(longitude, "longitude");
            if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
                throw new IllegalArgumentException("latitude must be within -90..90 and longitude within -180..180");
            }
        }
        if (!"auto".equals(timeZone)) {
            try {
                ZoneId.of(timeZone);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("timeZone must be 'auto' or a zone id like Asia/Kolkata, got '" + timeZone + "'");
            }
        }
        if (replyDeadline == null || replyDeadline.isNegative() || replyDeadline.isZero()) {
            throw new IllegalArgumentException("replyDeadline must be positive");
        }
        if (maxInfoLength < 64) {
            throw new IllegalArgumentException("maxInfoLength must be at least 64, got " + maxInfoLength);
        }
    }

    private static double number(String text, String what) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number of degrees, got '" + text + "'");
        }
    }

    boolean hasLocation() {
        return !latitude.isEmpty();
    }
}
