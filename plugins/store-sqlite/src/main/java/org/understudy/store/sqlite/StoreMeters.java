package org.understudy.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.understudy.api.Meters;

/** The store's series on {@code /metrics}: commits, readings per commit, commit time (fsync included), database size. */
final class StoreMeters implements GroupCommitWriter.CommitListener {

    /** Readings per transaction: one device upload holds a few, a sink's backlog recorded at once thousands. */
    static final List<Double> READINGS_BUCKETS = List.of(0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
            2000.0, 5000.0);
    /** Seconds: an fsync on an SD card takes milliseconds to, when it wears, a second or more. */
    static final List<Double> SECONDS_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
            2.5, 5.0);

    private final Meters.Histogram readingsPerCommit;
    private final Meters.Histogram commitSeconds;
    private final Meters.Counter failures;

    StoreMeters(Meters meters, Path database) {
        readingsPerCommit = meters.histogram("store_readings_per_commit", "Readings in each durable transaction (its _count is"
                + " the number of commits).", READINGS_BUCKETS);
        commitSeconds = meters.histogram("store_commit_duration_seconds", "Time to write and fsync one transaction.",
                SECONDS_BUCKETS);
        failures = meters.counter("store_commit_failures_total", "Transactions that failed (disk full, I/O error); their"
                + " writes were refused to the caller, not lost silently.");
        Path wal = database.resolveSibling(database.getFileName() + "-wal");
        meters.gauge("store_database_bytes", "Size of the SQLite database and its write-ahead log on disk (pictures apart).",
                v -> v.value(size(database) + size(wal)));
    }

    @Override
    public void committed(int readings, long nanos) {
        readingsPerCommit.observe(readings);
        commitSeconds.observe(nanos / 1e9);
    }

    @Override
    public void failed() {
        failures.increment();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0; // no WAL between checkpoints, or not created yet
        }
    }
}
