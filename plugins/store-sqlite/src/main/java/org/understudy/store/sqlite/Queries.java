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
     * epoch (an hour starts at :00) and labelled with their start; computed by SQLite over the (device, metric,
     * time) clustered index.
     */
    static List<SeriesPoint> series(Connection c, ReadingQuery q) throws SQLException {
        String metricFilter = q.metric() == null ? "" : " AND s.metric = ?";
        String sql = q.step() == null
                ? "SELECT s.metric, p.time, p.value, p.value, p.value, 1 FROM series s JOIN sample p ON p.series = s.id"
                        + " WHERE s.device = ?" + metricFilter + " AND p.time >= ? AND p.time < ? ORDER BY s.metric, p.time"
                : "SELECT s.metric, (p.time / ?) * ?, min(p.value), max(p.value), avg(p.value), count(*)"
                        + " FROM series s JOIN sample p ON p.series = s.id WHERE s.device = ?" + metricFilter
                        + " AND p.time >= ? AND p.time < ? GROUP BY s.metric, p.time / ? ORDER BY s.metric, 2";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            long from = q.from().toEpochMilli();
            long step = q.step() == null ? 0 : Math.max(1, q.step().toMillis());
            if (q.step() != null) {
                s.setLong(i++, step);
                s.setLong(i++, step);
            }
            s.setString(i++, q.deviceId());
            if (q.metric() != null) {
                s.setString(i++, q.metric());
            }
            s.setLong(i++, from);
            s.setLong(i++, q.to().toEpochMilli());
            if (q.step() != null) {
                s.setLong(i, step);
            }
            List<SeriesPoint> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new SeriesPoint(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getDouble(3),
                            rs.getDouble(4), rs.getDouble(5), rs.getLong(6)));
                }
            }
            return out;
        }
    }

    private static Reading reading(ResultSet rs) throws SQLException {
        return new Reading(rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), Json.metrics(rs.getString(6)), Json.strings(rs.getString(7)));
    }
}
