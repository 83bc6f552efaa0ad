package org.understudy.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A few read-only connections; WAL lets them read while the writer commits. */
final class ReadPool implements AutoCloseable {

    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();
    private final Duration timeout;

    ReadPool(List<Connection> connections, Duration timeout) {
        this.idle = new ArrayBlockingQueue<>(connections.size(), false, connections);
        this.all.addAll(connections);
        this.timeout = timeout;
    }

    <T> T read(Query<T> query) {
        Connection c;
        try {
            c = idle.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a store connection", e);
        }
        if (c == null) {
            throw new IllegalStateException("no store connection free within " + timeout.toMillis() + " ms");
        }
        try {
            return query.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("store query failed: " + SqliteErrors.describe(e), e);
        } finally {
            idle.add(c);
        }
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing more to do
            }
        }
    }
}
