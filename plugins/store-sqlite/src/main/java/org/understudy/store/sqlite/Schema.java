package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database layout. Readings keep their original form (metrics and tags as JSON) in {@code reading},
 * ordered by a sequence that is never reused (AUTOINCREMENT), which sinks use as their cursor; numeric
 * values are also in {@code sample}, clustered by series (a device's metric, numbered in {@code series})
 * and time for range queries.
 */
final class Schema {

    static final int VERSION = 1;

    private Schema() {
    }

    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS reading(seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL,"
                    + " profile TEXT NOT NULL, time INTEGER NOT NULL, received INTEGER NOT NULL, metrics TEXT NOT NULL,"
                    + " tags TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, device TEXT NOT NULL, metric TEXT NOT NULL,"
                    + " UNIQUE(device, metric))");
            s.execute("CREATE TABLE IF NOT EXISTS sample(series INTEGER NOT NULL, time INTEGER NOT NULL, seq INTEGER NOT NULL,"
                    + " value REAL NOT NULL, PRIMARY KEY(series, time, seq)) WITHOUT ROWID");
            s.execute("CREATE TABLE IF NOT EXISTS device(id TEXT PRIMARY KEY, profile TEXT NOT NULL, first_seen INTEGER NOT NULL,"
                    + " last_seen INTEGER NOT NULL, attributes TEXT NOT NULL, last_seq INTEGER)");
            s.execute("CREATE TABLE IF NOT EXISTS blob(sha256 TEXT NOT NULL, device TEXT NOT NULL, profile TEXT NOT NULL,"
                    + " time INTEGER NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY(device, time, sha256))");
            s.execute("CREATE TABLE IF NOT EXISTS flow(id INTEGER PRIMARY KEY AUTOINCREMENT, start INTEGER NOT NULL,"
                    + " profile TEXT, host TEXT, method TEXT, target TEXT, status INTEGER, outcome TEXT, body TEXT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS blob_sha ON blob(sha256)");
            s.execute("CREATE INDEX IF NOT EXISTS flow_start ON flow(start)");
            s.execute("CREATE TABLE IF NOT EXISTS sink_cursor(sink TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS flow_cursor(name TEXT PRIMARY KEY, id INTEGER NOT NULL)");
            s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '" + VERSION + "')");
        }
    }
}
