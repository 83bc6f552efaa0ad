package org.understudy.store.sqlite;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention and the disk budget. Age-based retention never removes a reading that a sink has not
 * delivered (its sequence is above the lowest sink cursor). Only when the store is over its disk budget,
 * or the file system below its free-space floor, does it drop the oldest readings and blobs whatever
 * their delivery state; those drops are counted (kept in {@code meta}) and logged. Runs inside a writer
 * transaction; blob files are deleted after the commit.
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int SHED_CHUNK = 5000;
    private static final int MIN_SHED_CHUNK = 100;
    private static final Duration ORPHAN_MIN_AGE = Duration.ofHours(1);

    /** What one run did. */
    record Run(Instant at, long readings, long blobs, long flows, long droppedUndelivered, long droppedBlobs,
               List<String> orphanedBlobs) {}

    private final SqliteStoreConfig config;
    private final Path dataDirectory;
    private final Path blobDirectory;
    private final Map<String, Duration> perProfile;
    private final Map<List<String>, Duration> perMetric;

    Retention(SqliteStoreConfig config, Path dataDirectory, Path blobDirectory) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.blobDirectory = blobDirectory;
        this.perProfile = parseProfiles(config.profileRetention());
        this.perMetric = parseMetrics(config.metricRetention());
    }

    /** {@code profile/metric=duration} entries, keyed by [profile, metric]. */
    static Map<List<String>, Duration> parseMetrics(List<String> entries) {
        Map<List<String>, Duration> out = new LinkedHashMap<>();
        for (String e : entries) {
            String[] kv = e.split("=", 2);
            String[] pm = kv[0].split("/", 2);
            if (kv.length != 2 || pm.length != 2 || pm[0].isBlank() || pm[1].isBlank()) {
                throw new IllegalArgumentException("metricRetention entries are profile/metric=duration, got '" + e + "'");
            }
            out.put(List.of(pm[0].trim(), pm[1].trim()), duration(kv[1], "metricRetention '" + e + "'"));
        }
        return out;
    }

    static Map<String, Duration> parseProfiles(List<String> entries) {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String e : entries) {
            String[] kv = e.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("profileRetention entries are profile=duration, got '" + e + "'");
            }
            out.put(kv[0].trim(), duration(kv[1], "profileRetention '" + e + "'"));
        }
        return out;
    }

    private static Duration duration(String text, String what) {
        try {
            return org.understudy.api.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    Run apply(Connection c, Instant now) throws SQLException {
        long protectedAbove = lowestCursor(c);
        long readings = 0;
        List<String> profiles = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT profile FROM reading")) {
            while (rs.next()) {
                profiles.add(rs.getString(1));
            }
        }
        for (String profile : profiles) {
            long cutoff = now.minus(perProfile.getOrDefault(profile, config.readingRetention())).toEpochMilli();
            readings += deleteReadings(c, "profile = ? AND received < ? AND seq <= ?", profile, cutoff, protectedAbove);
        }
        for (Map.Entry<List<String>, Duration> m : perMetric.entrySet()) {
            readings += dropMetric(c, m.getKey().get(0), m.getKey().get(1), now.minus(m.getValue()).toEpochMilli(), protectedAbove);
        }
        long blobs = update(c, "DELETE FROM blob WHERE time < ?", now.minus(config.pictureRetention()).toEpochMilli());
        long flows = update(c, "DELETE FROM flow WHERE start < ?", now.minus(config.flowRetention()).toEpochMilli());
        long droppedUndelivered = 0;
        long droppedBlobs = 0;
        while (overBudget(c)) {
            long[] chunk = oldestChunk(c, protectedAbove, shedSize(c)); // {last seq, readings, undelivered among them}
            long dropped = chunk[1] == 0 ? 0 : deleteReadings(c, "seq <= ?", chunk[0]);
            long b = update(c, "DELETE FROM blob WHERE rowid IN (SELECT rowid FROM blob ORDER BY time LIMIT ?)", SHED_CHUNK / 10);
            if (dropped == 0 && b == 0) {
                break; // nothing left to shed
            }
            readings += dropped;
            droppedUndelivered += chunk[2];
            droppedBlobs += b;
        }
        if (droppedUndelivered > 0 || droppedBlobs > 0) {
            addCounter(c, "dropped_undelivered", droppedUndelivered);
            addCounter(c, "dropped_blobs", droppedBlobs);
            LOG.warn("disk budget: dropped {} undelivered reading(s) and {} blob(s), oldest first", droppedUndelivered, droppedBlobs);
        }
        return new Run(now, readings, blobs, flows, droppedUndelivered, droppedBlobs, orphans(c));
    }

    /**
     * The lowest sink cursor: readings above it are not delivered everywhere yet. A sink that was removed
     * keeps its cursor (and so its readings) until the disk budget needs the space.
     */
    private static long lowestCursor(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT min(seq) FROM sink_cursor")) {
            return rs.next() && rs.getObject(1) != null ? rs.getLong(1) : Long.MAX_VALUE;
        }
    }

    /**
     * How many of the oldest readings to shed next: about as many as the excess over the budget holds (at the
     * average size of a reading with its index entries), at least {@value #MIN_SHED_CHUNK}, at most
     * {@value #SHED_CHUNK}; a fixed chunk could drop far more than the budget needs, all of it on a small budget.
     */
    private long shedSize(Connection c) throws SQLException {
        long readings;
        try (Statement s = c.createStatement()) {
            readings = single(s, "SELECT count(*) FROM reading");
        }
        long used = usedBytes(c);
        long excess = config.diskBudgetBytes() > 0 ? used - config.diskBudgetBytes() : 0;
        if (readings == 0 || used == 0 || excess <= 0) {
            return SHED_CHUNK; // under minFreeBytes: the file system's free space cannot be apportioned
        }
        long perReading = Math.max(1, used / readings);
        return Math.max(MIN_SHED_CHUNK, Math.min(SHED_CHUNK, excess / perReading + MIN_SHED_CHUNK));
    }

    /** The oldest {@code limit} readings: their last sequence, how many, how many not yet delivered. */
    private static long[] oldestChunk(Connection c, long protectedAbove, long limit) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT coalesce(max(seq), 0), count(*), coalesce(sum(seq > ?), 0)"
                + " FROM (SELECT seq FROM reading ORDER BY seq LIMIT ?)")) {
            p.setLong(1, protectedAbove);
            p.setLong(2, limit);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private static long deleteReadings(Connection c, String where, Object... args) throws SQLException {
        try (PreparedStatement samples = c.prepareStatement("DELETE FROM sample WHERE seq IN (SELECT seq FROM reading WHERE " + where + ")")) {
            bind(samples, args).executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM reading WHERE " + where)) {
            return bind(p, args).executeUpdate();
        }
    }

    /** Removes one metric's old values (index and stored readings); returns the readings left empty and deleted. */
    private static long dropMetric(Connection c, String profile, String metric, long cutoff, long protectedAbove)
            throws SQLException {
        update(c, "DELETE FROM sample WHERE series IN (SELECT id FROM series WHERE metric = ?) AND seq IN"
                + " (SELECT seq FROM reading WHERE profile = ? AND received < ? AND seq <= ?)", metric, profile, cutoff, protectedAbove);
        String path = "$.\"" + metric.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        update(c, "UPDATE reading SET metrics = json_remove(metrics, ?) WHERE profile = ? AND received < ? AND seq <= ?"
                + " AND json_type(metrics, ?) IS NOT NULL", path, profile, cutoff, protectedAbove, path);
        return deleteReadings(c, "profile = ? AND received < ? AND seq <= ? AND metrics = '{}'", profile, cutoff, protectedAbove);
    }

    private static long update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            return bind(p, args).executeUpdate();
        }
    }

    private static PreparedStatement bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        return p;
    }

    private boolean overBudget(Connection c) throws SQLException {
        long used = usedBytes(c);
        if (config.diskBudgetBytes() > 0 && used > config.diskBudgetBytes()) {
            return true;
        }
        if (config.minFreeBytes() > 0) {
            try {
                FileStore fs = Files.getFileStore(dataDirectory);
                return fs.getUsableSpace() < config.minFreeBytes() && used > 0 && hasReadings(c);
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean hasReadings(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM reading)")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Bytes in use: database pages not on the free list, plus every blob kept. */
    static long usedBytes(Connection c) throws SQLException {
        long pages;
        long free;
        long pageSize;
        try (Statement s = c.createStatement()) {
            pages = single(s, "PRAGMA page_count");
            free = single(s, "PRAGMA freelist_count");
            pageSize = single(s, "PRAGMA page_size");
        }
        long blobBytes;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(size), 0) FROM (SELECT DISTINCT sha256, size FROM blob)")) {
            blobBytes = rs.next() ? rs.getLong(1) : 0;
        }
        return (pages - free) * pageSize + blobBytes;
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void addCounter(Connection c, String key, long n) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key)"
                + " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)")) {
            p.setString(1, key);
            p.setString(2, Long.toString(n));
            p.executeUpdate();
        }
    }

    static long counter(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
            }
        }
    }

    /** Blob files no row refers to any more (deleted after the commit, never before). */
    private List<String> orphans(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(blobDirectory)) {
            return out;
        }
        try (var shards = Files.list(blobDirectory);
             PreparedStatement used = c.prepareStatement("SELECT 1 FROM blob WHERE sha256 = ? LIMIT 1")) {
            for (Path shard : shards.toList()) {
                try (var files = Files.list(shard)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        // a blob's file is written before its row commits: young files are never orphans
                        if (name.startsWith(BlobFiles.TEMP_PREFIX)
                                || Files.getLastModifiedTime(f).toInstant().isAfter(Instant.now().minus(ORPHAN_MIN_AGE))) {
                            continue;
                        }
                        used.setString(1, name);
                        try (ResultSet rs = used.executeQuery()) {
                            if (!rs.next()) {
                                out.add(name);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list blobs: {}", e.getMessage());
        }
        return out;
    }
}
