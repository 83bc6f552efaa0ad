package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

/** The read side: everything here runs on a pooled read connection and never blocks the writer. */
final class Queries {

    private Queries() {
    }

    static List<StoredReading> readAfter(Connection c, long after, int max) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, device, profile, time, received, metrics, tags FROM reading"
                + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
            s.setLong(1, after);
            s.setInt(2, max);
            List<StoredReading> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredReading(rs.getLong(1), reading(rs)));
                }
            }
            return out;
        }
    }

    static Optional<Reading> latest(Connection c, String device) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT r.seq, r.device, r.profile, r.time, r.received, r.metrics, r.tags"
                + " FROM device d JOIN reading r ON r.seq = d.last_seq WHERE d.id = ?")) {
            s.setString(1, device);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(reading(rs)) : Optional.empty();
            }
        }
    }

    static List<Device> devices(Connection c) throws SQLException {
        List<Device> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, profile, first_seen, last_seen, attributes FROM device ORDER BY id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Device(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)), Json.strings(rs.getString(5))));
            }
        }
        return out;
    }

    static Optional<Blob> blob(Connection c, String sha) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT sha256, content_type, size, device, profile, time FROM blob"
                + " WHERE sha256 = ? ORDER BY device DESC LIMIT 1")) {
            s.setString(1, sha);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(blob(rs)) : Optional.empty();
            }
        }
    }

    /** A device's pictures in [from, to) after {@code after} (time, then hash), oldest first. */
    static List<Blob> pictures(Connection c, String device, Instant from, Instant to, Blob after, int max) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT sha256, content_type, size, device, profile, time FROM blob"
                + " WHERE device = ? AND time >= ? AND time < ? AND (time > ? OR (time = ? AND sha256 > ?))"
                + " ORDER BY time, sha256 LIMIT ?")) {
            long afterTime = after == null ? Long.MIN_VALUE : after.time().toEpochMilli();
            s.setString(1, device);
            s.setLong(2, from.toEpochMilli());
            s.setLong(3, to.toEpochMilli());
            s.setLong(4, afterTime);
            s.setLong(5, afterTime);
            s.setString(6, after == null ? "" : after.sha256());
            s.setInt(7, max);
            List<Blob> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(blob(rs));
                }
            }
            return out;
        }
    }

    private static Blob blob(ResultSet rs) throws SQLException {
        return new Blob(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)));
    }

    /**
     * Raw values, or min/max/mean/count per bucket of {@code step}, buckets aligned to whole steps since the
     * epoch (an hour starts at :00) and labelled with their start. The rows come in (metric, time) order straight
     * from the series index and the clustered sample key, and buckets are summed up here as they pass: asking
     * SQLite to GROUP BY the bucket made it sort every sample of the range first, which cost more time and left
     * its sorter's memory (several MB per read connection) in the C heap.
     */
    static List<SeriesPoint> series(Connection c, ReadingQuery q) throws SQLException {
        String metricFilter = q.metric() == null ? "" : " AND s.metric = ?";
        try (PreparedStatement s = c.prepareStatement("SELECT p.series, s.metric, p.time, p.value FROM series s JOIN sample p ON p.series = s.id"
                + " WHERE s.device = ?" + metricFilter + " AND p.time >= ? AND p.time < ? ORDER BY s.metric, p.time")) {
            int i = 1;
            s.setString(i++, q.deviceId());
            if (q.metric() != null) {
                s.setString(i++, q.metric());
            }
            s.setLong(i++, q.from().toEpochMilli());
            s.setLong(i, q.to().toEpochMilli());
            long step = q.step() == null ? 0 : Math.max(1, q.step().toMillis());
            List<SeriesPoint> out = new ArrayList<>();
            Bucket bucket = null;
            long series = -1;
            String metric = null;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != series) { // a metric's name is read once, not with each of its values
                        series = rs.getLong(1);
                        metric = rs.getString(2);
                    }
                    long time = rs.getLong(3);
                    double value = rs.getDouble(4);
                    if (step == 0) {
                        out.add(new SeriesPoint(metric, Instant.ofEpochMilli(time), value, value, value, 1));
                        continue;
                    }
                    long start = Math.floorDiv(time, step) * step;
                    if (bucket != null && bucket.start == start && bucket.series == series) {
                        bucket.add(value);
                    } else {
                        if (bucket != null) {
                            out.add(bucket.point());
                        }
                        bucket = new Bucket(series, metric, start, value);
                    }
                }
            }
            if (bucket != null) {
                out.add(bucket.point());
            }
            return out;
        }
    }

    /** One metric's values within one step, summed up as they arrive in time order. */
    private static final class Bucket {
        private final long series;
        private final String metric;
        private final long start;
        private double min;
        private double max;
        private double sum;
        private long count = 1;

        Bucket(long series, String metric, long start, double first) {
            this.series = series;
            this.metric = metric;
            this.start = start;
            this.min = first;
            this.max = first;
            this.sum = first;
        }

        void add(double value) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            count++;
        }

        SeriesPoint point() {
            return new SeriesPoint(metric, Instant.ofEpochMilli(start), min, max, sum / count, count);
        }
    }

    private static Reading reading(ResultSet rs) throws SQLException {
        return new Reading(rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), Json.metrics(rs.getString(6)), Json.strings(rs.getString(7)));
    }
}
