package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;

/** Flows read back in id order, and the flow readers' cursors (kept apart from the sinks'). */
final class FlowTable {

    private FlowTable() {
    }

    static List<StoredFlow> after(Connection c, long afterId, String host, Flow.Outcome outcome, int max) throws SQLException {
        List<StoredFlow> out = new ArrayList<>();
        // the id range comes from the primary key; host and outcome filter the flows after the cursor only
        try (PreparedStatement p = c.prepareStatement("SELECT id, start, profile, method, target, status, body, host, outcome FROM flow"
                + " WHERE id > ? AND (? IS NULL OR host = ?) AND (? IS NULL OR outcome = ?) ORDER BY id LIMIT ?")) {
            p.setLong(1, afterId);
            p.setString(2, host);
            p.setString(3, host);
            p.setString(4, outcome == null ? null : outcome.name());
            p.setString(5, outcome == null ? null : outcome.name());
            p.setInt(6, max);
            read(p, out);
        }
        return out;
    }

    /** Flows that started in [from, to), newest first, below {@code beforeId}: what a person looks at. */
    static List<StoredFlow> recent(Connection c, Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId,
                                   int max) throws SQLException {
        List<StoredFlow> out = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, start, profile, method, target, status, body, host, outcome"
                + " FROM flow WHERE id < ? AND start >= ? AND start < ? AND (? IS NULL OR host = ?) AND (? IS NULL OR outcome = ?)"
                + " ORDER BY id DESC LIMIT ?")) {
            p.setLong(1, beforeId);
            p.setLong(2, from.toEpochMilli());
            p.setLong(3, to.toEpochMilli());
            p.setString(4, host);
            p.setString(5, host);
            p.setString(6, outcome == null ? null : outcome.name());
            p.setString(7, outcome == null ? null : outcome.name());
            p.setInt(8, max);
            read(p, out);
        }
        return out;
    }

    /** How many flows {@link #recent} would list with no limit, up to {@code max}, without reading them. */
    static long count(Connection c, Instant from, Instant to, String host, Flow.Outcome outcome, long max) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM flow WHERE start >= ? AND start < ?"
                + " AND (? IS NULL OR host = ?) AND (? IS NULL OR outcome = ?) LIMIT ?)")) {
            p.setLong(1, from.toEpochMilli());
            p.setLong(2, to.toEpochMilli());
            p.setString(3, host);
            p.setString(4, host);
            p.setString(5, outcome == null ? null : outcome.name());
            p.setString(6, outcome == null ? null : outcome.name());
            p.setLong(7, max);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void read(PreparedStatement p, List<StoredFlow> out) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                FlowRow row = Json.read(rs.getString(7), FlowRow.class);
                out.add(new StoredFlow(rs.getLong(1), row.toFlow(Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(8),
                        rs.getString(4), rs.getString(5), rs.getInt(6), Flow.Outcome.valueOf(rs.getString(9)))));
            }
        }
    }

    static long cursor(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM flow_cursor WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }

    static void saveCursor(Connection c, String name, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO flow_cursor(name, id) VALUES (?, ?)"
                + " ON CONFLICT(name) DO UPDATE SET id = excluded.id")) {
            p.setString(1, name);
            p.setLong(2, id);
            p.executeUpdate();
        }
    }

    /** The content type a body was sent with, for storing it as a blob. */
    static String contentType(List<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("content-type")) {
                return h.getValue();
            }
        }
        return "application/octet-stream";
    }
}
