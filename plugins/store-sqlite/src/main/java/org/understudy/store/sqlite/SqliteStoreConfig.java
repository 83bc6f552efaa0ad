package org.understudy.store.sqlite;

import java.time.Duration;
import org.understudy.api.Description;

/** Configuration of the SQLite store (pid {@code understudy.store-sqlite}). */
@Description("Durable reading store: SQLite in WAL mode with group commit; pictures as files named by their "
        + "SHA-256. A write returns only once it is on disk.")
public record SqliteStoreConfig(
        @Description("Database file, relative to the plugin's data directory.") String databaseFile,
        @Description("Directory of blob files (pictures), relative to the plugin's data directory.") String blobDirectory,
        @Description("Most readings committed in one transaction (group commit); callers waiting beyond it go in the next.") int maxBatchReadings,
        @Description("Largest blob accepted, in bytes.") long maxBlobBytes,
        @Description("Flows kept; the oldest are deleted beyond it.") int maxFlows,
        @Description("Request and response bodies up to this size are kept inside the flow; larger ones as blobs.") int flowInlineBodyBytes,
        @Description("Connections for reads (queries, sinks); writes have their own.") int readConnections,
        @Description("Page cache of each read connection, in bytes (SQLite's own, on top of the operating system's file cache; "
                + "each connection fills its own, so this times readConnections is what reads may hold).") long readCacheBytes,
        @Description("Page cache of the write connection, in bytes (SQLite's own; the pages a commit touches: the tables' and "
                + "indexes' upper levels and their newest leaves).") long writeCacheBytes,
        @Description("How long a read waits for a free connection before it fails.") Duration readTimeout,
        @Description("How long after readings are committed their numeric values are added to the query index, with those of the readings that came meanwhile (queries may lag the readings by this much; an idle store does nothing).") Duration indexInterval,
        @Description("How long readings are kept (unless a sink has not delivered them yet).") Duration readingRetention,
        @Description("Per-profile reading retention overriding readingRetention, as profile=duration (e.g. kasa=90d).") java.util.List<String> profileRetention,
        @Description("Per-metric retention, as profile/metric=duration (e.g. bloomsky/luminance=30d): older values of that metric are removed from the readings (a reading left without metrics goes).") java.util.List<String> metricRetention,
        @Description("How long pictures and other blobs are kept.") Duration pictureRetention,
        @Description("How long recorded flows are kept.") Duration flowRetention,
        @Description("Most bytes the store may use (database + blobs); 0 = no budget. Over it, the oldest data goes first, delivered or not, and the drop is counted.") long diskBudgetBytes,
        @Description("Free space to keep on the data file system; below it the store sheds its oldest data like over budget.") long minFreeBytes,
        @Description("How often retention runs.") Duration retentionInterval,
        @Description("Longest a commit waits for more readings: for as many as the previous one held when fewer are "
                + "queued (devices answered by that commit sending their next: without the wait they are split over two "
                + "commits, each paying an fsync), and past that while readings keep coming at the pace they came. It waits "
                + "at most as long as the previous commit took, only when that commit took 3 ms or more (a card's slow "
                + "flush; on a fast disk waiting costs more than it saves), and never for a lone device; 0 = commit at once.") Duration commitGatherMax) {

    public static final SqliteStoreConfig DEFAULTS = new SqliteStoreConfig("readings.db", "blobs", 20_000,
            16L * 1024 * 1024, 100_000, 16 * 1024, 4, 512L * 1024, 4L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofMillis(250),
            Duration.ofDays(365), java.util.List.of(), java.util.List.of(), Duration.ofDays(30), Duration.ofDays(7), 0, 256L * 1024 * 1024,
            Duration.ofHours(1), Duration.ofMillis(10));

    public SqliteStoreConfig {
        require(databaseFile != null && !databaseFile.isBlank() && !databaseFile.contains(".."),
                "databaseFile must be a file name inside the data directory");
        require(blobDirectory != null && !blobDirectory.isBlank() && !blobDirectory.contains(".."),
                "blobDirectory must be a directory name inside the data directory");
        require(maxBatchReadings >= 1 && maxBatchReadings <= 1_000_000, "maxBatchReadings must be between 1 and 1000000, got " + maxBatchReadings);
        require(maxBlobBytes >= 1, "maxBlobBytes must be positive, got " + maxBlobBytes);
        require(maxFlows >= 0, "maxFlows must not be negative, got " + maxFlows);
        require(flowInlineBodyBytes >= 0, "flowInlineBodyBytes must not be negative, got " + flowInlineBodyBytes);
        require(readConnections >= 1 && readConnections <= 64, "readConnections must be between 1 and 64, got " + readConnections);
        require(readCacheBytes >= 64 * 1024 && readCacheBytes <= 1024L * 1024 * 1024,
                "readCacheBytes must be between 65536 and 1073741824, got " + readCacheBytes);
        require(writeCacheBytes >= 256 * 1024 && writeCacheBytes <= 1024L * 1024 * 1024,
                "writeCacheBytes must be between 262144 and 1073741824, got " + writeCacheBytes);
        require(readTimeout != null && !readTimeout.isNegative() && !readTimeout.isZero(), "readTimeout must be positive");
        require(indexInterval != null && !indexInterval.isNegative() && !indexInterval.isZero(), "indexInterval must be positive");
        for (Duration d : new Duration[] {readingRetention, pictureRetention, flowRetention, retentionInterval}) {
            require(d != null && !d.isNegative() && !d.isZero(), "retention durations and retentionInterval must be positive");
        }
        require(commitGatherMax != null && !commitGatherMax.isNegative() && commitGatherMax.compareTo(Duration.ofMillis(100)) <= 0,
                "commitGatherMax must be between 0 and 100ms, got " + commitGatherMax);
        profileRetention = java.util.List.copyOf(profileRetention);
        Retention.parseProfiles(profileRetention);
        metricRetention = java.util.List.copyOf(metricRetention);
        Retention.parseMetrics(metricRetention);
        require(diskBudgetBytes >= 0, "diskBudgetBytes must not be negative");
        require(minFreeBytes >= 0, "minFreeBytes must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
