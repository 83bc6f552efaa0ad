package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Numbers each (device, metric) pair once, so samples are keyed by a small integer. The writer's cache
 * holds every known pair; ids created in a transaction that rolls back are forgotten with it.
 */
final class SeriesIds {

    private record Key(String device, String metric) {}

    private final Map<Key, Long> known = new HashMap<>();
    private final Map<Key, Long> uncommitted = new HashMap<>();
    private final PreparedStatement insert;
    private long next;

    SeriesIds(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, device, metric FROM series")) {
            while (rs.next()) {
                known.put(new Key(rs.getString(2), rs.getString(3)), rs.getLong(1));
                next = Math.max(next, rs.getLong(1));
            }
        }
        next++;
        insert = c.prepareStatement("INSERT INTO series(id, device, metric) VALUES (?,?,?)");
    }

    long id(String device, String metric) throws SQLException {
        Key key = new Key(device, metric);
        Long id = known.get(key);
        if (id == null) {
            id = uncommitted.get(key);
        }
        if (id == null) {
            id = next++;
            insert.setLong(1, id);
            insert.setString(2, device);
            insert.setString(3, metric);
            insert.executeUpdate();
            uncommitted.put(key, id);
        }
        return id;
    }

    void committed() {
        known.putAll(uncommitted);
        uncommitted.clear();
    }
}
