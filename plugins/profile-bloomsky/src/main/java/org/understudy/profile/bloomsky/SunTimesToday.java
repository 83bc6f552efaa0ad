package org.understudy.profile.bloomsky;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.shredzone.commons.suncalc.SunTimes;

/** Sunrise and sunset of the station's current day at its location (commons-suncalc). */
final class SunTimesToday {

    /** @param sunrise epoch seconds, @param sunset epoch seconds */
    record Times(long sunrise, long sunset) {}

    private SunTimesToday() {
    }

    static ZoneId zone(BloomskyConfig c) {
        if (!"auto".equals(c.timeZone())) {
            return ZoneId.of(c.timeZone());
        }
        double lon = Double.parseDouble(c.longitude());
        return ZoneOffset.ofTotalSeconds((int) Math.round(lon / 15.0) * 3600);
    }

    /**
     * The sun at one configured place: computed once per local day, not on every impersonated upload.
     * Thread-safe: at worst two threads compute the same day once each.
     */
    static final class AtLocation {
        private record Day(LocalDate date, Times times) {}

        private final double latitude;
        private final double longitude;
        private final ZoneId zone;
        private volatile Day cached;

        AtLocation(BloomskyConfig c) {
            this.latitude = Double.parseDouble(c.latitude());
            this.longitude = Double.parseDouble(c.longitude());
            this.zone = zone(c);
        }

        Times today(Instant now) {
            LocalDate day = now.atZone(zone).toLocalDate();
            Day d = cached;
            if (d == null || !d.date().equals(day)) {
                d = new Day(day, compute(day));
                cached = d;
            }
            return d.times();
        }

        private Times compute(LocalDate day) {
            SunTimes times = SunTimes.compute().on(day.atStartOfDay(zone)).at(latitude, longitude).fullCycle().execute();
            Instant rise = times.getRise() == null ? day.atTime(6, 0).atZone(zone).toInstant() : times.getRise().toInstant();
            Instant set = times.getSet() == null ? day.atTime(18, 0).atZone(zone).toInstant() : times.getSet().toInstant();
            return new Times(rise.getEpochSecond(), set.getEpochSecond());
        }
    }

    /**
     * Learned times moved by whole days to the station's current day: the day whose solar noon (midway
     * between rise and set) is nearest to {@code now}, so before dawn it is still today's sunrise.
     */
    static Times shifted(long sunrise, long sunset, Instant now) {
        long noon = (sunrise + sunset) / 2;
        long days = Math.round((now.getEpochSecond() - noon) / 86_400.0);
        return new Times(sunrise + days * 86_400L, sunset + days * 86_400L);
    }
}
