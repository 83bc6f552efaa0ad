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

    private final Connection connection;
    private final Statements statements;
    private final int maxBatchReadings;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private volatile long commits;
    private volatile long committedWrites;

    GroupCommitWriter(Connection connection, int maxBatchReadings) throws SQLException {
        this.connection = connection;
        this.statements = new Statements(connection);
        this.maxBatchReadings = maxBatchReadings;
    }

    /** Queues a write and blocks until it is durable (or failed). */
    void write(Write write) throws RecordException {
        if (stopping) {
            throw new RecordException("the store is stopping");
        }
        Pending p = new Pending(write, new CompletableFuture<>());
        queue.add(p);
        try {
            p.done().get();
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
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int readings = first.write().readings();
                Pending next;
                while (readings < maxBatchReadings && (next = queue.poll()) != null) {
                    batch.add(next);
                    readings += next.write().readings();
                }
                commit(batch);
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

    private void commit(List<Pending> batch) {
        try {
            for (Pending p : batch) {
                p.write().apply(statements);
            }
            statements.flush();
            connection.commit();
            statements.committed();
            batch.forEach(p -> p.write().committed(statements));
            commits++;
            committedWrites += batch.size();
            batch.forEach(p -> p.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            statements.reset();
            RecordException failure = new RecordException("not recorded: " + SqliteErrors.describe(e), e);
            LOG.error("store transaction of {} write(s) failed: {}", batch.size(), failure.getMessage());
            batch.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    /** Statements for writes that need more than the queue (the sample index). */
    Statements statements() {
        return statements;
    }

    /** Stops taking new writes; the loop commits what is queued and ends. */
    void stop() {
        stopping = true;
    }

    long commits() {
        return commits;
    }

    long committedWrites() {
        return committedWrites;
    }

    int queued() {
        return queue.size();
    }
}
