package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;

/**
 * The writer's prepared statements and the batch being built. Sequences are assigned here (the writer
 * is the only one), so reading and sample rows go in as JDBC batches; device rows are folded per
 * transaction into one upsert each.
 */
final class Statements {

    private record Seen(String profile, long first, long last, long lastSeq) {
        Seen merge(Seen o) {
            return new Seen(o.profile, Math.min(first, o.first), Math.max(last, o.last), Math.max(lastSeq, o.lastSeq));
        }
    }

    private final Connection connection;
    private final PreparedStatement reading;
    private final PreparedStatement device;
    private final SeriesIds series;
    private final SampleIndex samples;
    private final Map<String, Seen> seen = new LinkedHashMap<>();
    private long committedSeq;
    private long nextSeq;

    Statements(Connection connection) throws SQLException {
        this.connection = connection;
        this.reading = connection.prepareStatement(
                "INSERT INTO reading(seq, device, profile, time, received, metrics, tags) VALUES (?,?,?,?,?,?,?)");
        this.series = new SeriesIds(connection);
        this.samples = new SampleIndex(connection, series);
        this.device = connection.prepareStatement("INSERT INTO device(id, profile, first_seen, last_seen, attributes, last_seq)"
                + " VALUES (?,?,?,?,'{}',?) ON CONFLICT(id) DO UPDATE SET profile=excluded.profile,"
                + " first_seen=min(first_seen, excluded.first_seen), last_seen=max(last_seen, excluded.last_seen),"
                + " last_seq=max(coalesce(last_seq, 0), excluded.last_seq)");
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name='reading'), 0)")) {
            committedSeq = rs.next() ? rs.getLong(1) : 0;
        }
        nextSeq = committedSeq + 1;
    }

    Connection connection() {
        return connection;
    }

    void add(Reading r) throws SQLException {
        long seq = nextSeq++;
        reading.setLong(1, seq);
        reading.setString(2, r.deviceId());
        reading.setString(3, r.profile());
        reading.setLong(4, r.time().toEpochMilli());
        reading.setLong(5, r.receivedAt().toEpochMilli());
        reading.setString(6, Json.metrics(r.metrics()));
        reading.setString(7, Json.strings(r.tags()));
        reading.addBatch();
        samples.add(r.deviceId(), r.time().toEpochMilli(), seq, r.metrics());
        long received = r.receivedAt().toEpochMilli();
        seen.merge(r.deviceId(), new Seen(r.profile(), received, received, seq), Seen::merge);
    }

    /** Merges a device's attributes and times into the registry (read-modify-write inside the transaction). */
    void putDevice(Device d) throws SQLException {
        Map<String, String> attributes = new LinkedHashMap<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT attributes FROM device WHERE id=?")) {
            q.setString(1, d.id());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    attributes.putAll(Json.strings(rs.getString(1)));
                }
            }
        }
        attributes.putAll(d.attributes());
        try (PreparedStatement u = connection.prepareStatement("INSERT INTO device(id, profile, first_seen, last_seen,"
                + " attributes) VALUES (?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET profile=excluded.profile,"
                + " first_seen=min(first_seen, excluded.first_seen), last_seen=max(last_seen, excluded.last_seen),"
                + " attributes=excluded.attributes")) {
            u.setString(1, d.id());
            u.setString(2, d.profile());
            u.setLong(3, d.firstSeen().toEpochMilli());
            u.setLong(4, d.lastSeen().toEpochMilli());
            u.setString(5, Json.strings(attributes));
            u.executeUpdate();
        }
    }

    /** Sends the batched rows; called once per transaction, before the commit. */
    void flush() throws SQLException {
        if (nextSeq - 1 > committedSeq) {
            reading.executeBatch();
        }
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            device.setString(1, e.getKey());
            device.setString(2, e.getValue().profile());
            device.setLong(3, e.getValue().first());
            device.setLong(4, e.getValue().last());
            device.setLong(5, e.getValue().lastSeq());
            device.addBatch();
        }
        if (!seen.isEmpty()) {
            device.executeBatch();
        }
        seen.clear();
        committedSeq = nextSeq - 1; // true with the commit that follows; after a failed one the writer reopens
    }

    /** Called after a successful commit. */
    void committed() {
        series.committed();
        samples.committed();
    }

    SampleIndex samples() {
        return samples;
    }
}
