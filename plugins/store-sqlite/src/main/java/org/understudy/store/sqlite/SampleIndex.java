package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.MetricValue;

/**
 * The numeric query index ({@code sample}), maintained behind the durable log of readings. Committing a
 * reading appends one row at the end of {@code reading}; its samples wait here and are inserted in bulk,
 * sorted by series and time, by a periodic index write. Inserting them with every commit would scatter
 * small writes over the whole index and cost several times more. The index position is
 * {@code meta.indexed_seq}; after a crash the readings past it are indexed again from their JSON.
 * Used by the writer thread only.
 */
final class SampleIndex {

    record Sample(long series, long time, long seq, double value) {}

    private static final Comparator<Sample> ORDER = Comparator.comparingLong(Sample::series)
            .thenComparingLong(Sample::time).thenComparingLong(Sample::seq);

    private final SeriesIds series;
    private final PreparedStatement insert;
    private final PreparedStatement position;
    private List<Sample> transaction = new ArrayList<>();
    private List<Sample> pending = new ArrayList<>();
    private long transactionLastSeq;
    private long pendingLastSeq;
    private long indexedSeq;
    private int flushingCount;
    private long flushingLastSeq;
    /** Whether committed readings wait for the index; read by the index timer on another thread. */
    private volatile boolean behind;

    SampleIndex(Connection c, SeriesIds series) throws SQLException {
        this.series = series;
        this.insert = c.prepareStatement("INSERT OR REPLACE INTO sample(series, time, seq, value) VALUES (?,?,?,?)");
        this.position = c.prepareStatement("INSERT INTO meta(key, value) VALUES ('indexed_seq', ?)"
                + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        try (PreparedStatement q = c.prepareStatement("SELECT value FROM meta WHERE key = 'indexed_seq'");
             ResultSet rs = q.executeQuery()) {
            indexedSeq = rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        }
    }

    long indexedSequence() {
        return indexedSeq;
    }

    /** The samples of one reading of the current transaction. */
    void add(String device, long time, long seq, Map<String, MetricValue> metrics) throws SQLException {
        for (Map.Entry<String, MetricValue> m : metrics.entrySet()) {
            if (m.getValue() instanceof MetricValue.Number n) {
                transaction.add(new Sample(series.id(device, m.getKey()), time, seq, n.value()));
            }
        }
        transactionLastSeq = Math.max(transactionLastSeq, seq);
    }

    /** The transaction committed: its samples become pending. */
    void committed() {
        pending.addAll(transaction);
        pendingLastSeq = Math.max(pendingLastSeq, transactionLastSeq);
        transaction = new ArrayList<>();
        behind = !pending.isEmpty() || pendingLastSeq > indexedSeq;
    }

    /** Whether a flush has anything to do (safe from any thread): an idle store's index timer then does nothing. */
    boolean behind() {
        return behind;
    }

    int pending() {
        return pending.size();
    }

    /**
     * Inserts every pending sample, sorted, and moves the index position; runs inside a writer
     * transaction. Samples whose readings were committed are never lost: if this transaction rolls
     * back they stay pending.
     */
    void flushPending() throws SQLException {
        if (pending.isEmpty() && pendingLastSeq <= indexedSeq) {
            flushingCount = 0;
            flushingLastSeq = indexedSeq;
            return;
        }
        List<Sample> batch = pending;
        batch.sort(ORDER);
        // the readings of this same transaction add their samples after these: flushed() keeps them
        flushingCount = batch.size();
        flushingLastSeq = pendingLastSeq;
        for (Sample s : batch) {
            insert.setLong(1, s.series());
            insert.setLong(2, s.time());
            insert.setLong(3, s.seq());
            insert.setDouble(4, s.value());
            insert.addBatch();
        }
        insert.executeBatch();
        position.setString(1, Long.toString(flushingLastSeq));
        position.executeUpdate();
    }

    /** The index transaction committed. */
    void flushed() {
        pending = new ArrayList<>(pending.subList(flushingCount, pending.size()));
        indexedSeq = Math.max(indexedSeq, flushingLastSeq);
        flushingCount = 0;
        behind = !pending.isEmpty() || pendingLastSeq > indexedSeq;
    }

    /** After a crash: index the readings the index had not reached (their samples were only in memory). */
    int recover(Connection c) throws SQLException {
        int n = 0;
        try (PreparedStatement q = c.prepareStatement("SELECT seq, device, time, metrics FROM reading WHERE seq > ? ORDER BY seq")) {
            q.setLong(1, indexedSeq);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    add(rs.getString(2), rs.getLong(3), rs.getLong(1), Json.metrics(rs.getString(4)));
                    n++;
                }
            }
        }
        committed();
        return n;
    }
}
