package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.RecordException;

/**
 * The only writer of the database. Callers queue a {@link Write} and wait; the writer loop takes every
 * write waiting at that moment (up to {@code maxBatchReadings} readings), applies them in one
 * transaction and commits with {@code synchronous=FULL} (the WAL is fsynced), then releases all those
 * callers at once. One fsync thus acknowledges many writes: group commit. A failed transaction is
 * rolled back and fails every write in it with the database's reason; nothing of it is acknowledged.
 *
 * <p>Before a commit the writer may wait a moment for more writes ({@link CommitGathering}): on a slow card
 * one commit then covers nearly every device in flight.
 */
final class GroupCommitWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** One unit of work, applied inside the writer's transaction. */
    interface Write {
        /** How many readings it carries (for the batch bound). */
        default int readings() {
            return 0;
        }

        void apply(Statements statements) throws SQLException;

        /** After the transaction holding this write committed (still on the writer thread). */
        default void committed(Statements statements) {
        }
    }

    private record Pending(Write write, CompletableFuture<Void> done) {}

    /** Queued by {@link #stop()} to wake the loop, which otherwise waits for a write without a timeout. */
    private final Pending wake = new Pending(s -> { }, new CompletableFuture<>());

    /** Told of every transaction, on the writer thread: it must be quick. */
    interface CommitListener {
        /** A transaction of {@code readings} readings became durable after {@code nanos} (writes, commit, fsync). */
        void committed(int readings, long nanos);

        void failed();
    }

    /** Opens a fresh write connection (autocommit off, pragmas set). */
    interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private Connection connection;
    private volatile Statements statements;
    private boolean broken;
    private final int maxBatchReadings;
    private final CommitGathering gathering;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private volatile long commits;
    private volatile long committedWrites;
    private volatile long committedReadings;

    private final CommitListener listener;

    GroupCommitWriter(Connection connection, Opener opener, int maxBatchReadings, java.time.Duration gatherMax,
                      CommitListener listener) throws SQLException {
        this.gathering = new CommitGathering(gatherMax.toNanos(), maxBatchReadings);
        this.listener = listener;
        this.opener = opener;
        this.connection = connection;
        this.statements = new Statements(connection);
        this.maxBatchReadings = maxBatchReadings;
    }

    /**
     * Queues a write; the future completes on the writer thread once it is durable, or fails with a
     * {@link RecordException}.
     */
    CompletableFuture<Void> writeAsync(Write write) {
        if (stopping) {
            return CompletableFuture.failedFuture(new RecordException("the store is stopping"));
        }
        Pending p = new Pending(write, new CompletableFuture<>());
        queue.add(p);
        return p.done();
    }

    /** Queues a write and blocks until it is durable (or failed). */
    void write(Write write) throws RecordException {
        try {
            writeAsync(write).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordException("interrupted while waiting for the commit; the write may or may not be durable");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RecordException r ? r : new RecordException(cause.getMessage(), cause);
        }
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>();
        while (!stopping || !queue.isEmpty()) {
            try {
                Pending first = queue.take(); // an idle store's writer sleeps until a write or stop() comes
                if (first == wake) {
                    continue;
                }
                batch.add(first);
                int readings = first.write().readings();
                Pending next;
                while (readings < maxBatchReadings && (next = queue.poll()) != null) {
                    batch.add(next);
                    readings += next.write().readings();
                }
                gathering.begin(System.nanoTime());
                long wait;
                while ((wait = gathering.waitNanos(readings, System.nanoTime())) > 0
                        && (next = queue.poll(wait, TimeUnit.NANOSECONDS)) != null) {
                    batch.add(next);
                    if (next == wake) {
                        break; // stopping: commit what came
                    }
                    gathering.arrived(System.nanoTime());
                    readings += next.write().readings();
                }
                if (batch.remove(wake) && batch.isEmpty()) {
                    continue;
                }
                commit(batch, readings);
            } catch (InterruptedException e) {
                stopping = true;
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Pending p; (p = queue.poll()) != null;) {
            p.done().completeExceptionally(new RecordException("the store stopped before this write was committed"));
        }
    }

    private void commit(List<Pending> batch, int readings) {
        long started = System.nanoTime();
        try {
            if (broken) {
                reopen();
            }
            for (Pending p : batch) {
                p.write().apply(statements);
            }
            statements.flush();
            connection.commit();
            statements.committed();
            batch.forEach(p -> p.write().committed(statements));
            commits++;
            committedWrites += batch.size();
            committedReadings += readings;
            long took = System.nanoTime() - started;
            gathering.committed(readings, took);
            listener.committed(readings, took);
            batch.forEach(p -> p.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            // SQLite may have rolled the transaction back by itself (disk full, I/O error), leaving the JDBC
            // connection without an open transaction for good: start over with a fresh connection
            broken = true;
            RecordException failure = new RecordException("not recorded: " + SqliteErrors.describe(e), e);
            LOG.error("store transaction of {} write(s) failed: {}", batch.size(), failure.getMessage());
            listener.failed();
            batch.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    /**
     * Replaces the connection and statements after a failed transaction. Sequences are read back from the
     * database and the query index is rebuilt from the readings past its position, so nothing committed
     * is forgotten. Fails (and is tried again with the next batch) while the disk still refuses writes.
     */
    private void reopen() throws SQLException {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the old connection is discarded either way
        }
        connection = opener.open();
        statements = new Statements(connection);
        int reindexed = statements.samples().recover(connection);
        broken = false;
        LOG.info("store writer reopened its connection after a failure ({} reading(s) re-indexed)", reindexed);
    }

    /** Closes the write connection (the loop must have ended). */
    void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing the write connection failed: {}", e.getMessage());
        }
    }

    /** Statements for writes that need more than the queue (the sample index). */
    Statements statements() {
        return statements;
    }

    /** Stops taking new writes; the loop commits what is queued and ends. */
    void stop() {
        stopping = true;
        queue.add(wake);
    }

    long commits() {
        return commits;
    }

    long committedWrites() {
        return committedWrites;
    }

    /** Readings committed so far (a write may carry several, or none: a flow, a picture, the index). */
    long committedReadings() {
        return committedReadings;
    }

    int queued() {
        return queue.size();
    }
}
