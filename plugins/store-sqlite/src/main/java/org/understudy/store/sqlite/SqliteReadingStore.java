package org.understudy.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.BlobStore;
import org.understudy.api.spi.FlowStore;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.SeriesPoint;

/**
 * The durable reading store (id {@code store-sqlite}): SQLite in WAL mode with {@code synchronous=FULL},
 * every write group-committed by {@link GroupCommitWriter}, reads on their own connections, blobs as
 * content-addressed files. After an unclean stop the database is integrity-checked at start.
 */
public final class SqliteReadingStore implements ReadingStore<SqliteStoreConfig>, BlobStore, FlowStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteReadingStore.class);
    static final String CLEAN_MARKER = "clean-shutdown";
    private static final long WRITER_DRAIN_MILLIS = 1500;
    private static final int WAL_CHECKPOINT_PAGES = 8192;

    private volatile SqliteStoreConfig config = SqliteStoreConfig.DEFAULTS;
    private volatile GroupCommitWriter writer;
    private volatile Runnable indexSoon = () -> { };
    private volatile ReadPool reads;
    private volatile BlobFiles blobs;
    private Connection writeConnection;
    private CountDownLatch writerDone;
    private Path marker;
    private volatile String lastError;
    private volatile Retention retention;
    private volatile Retention.Run lastRetention;
    static final long RETENTION_FIRST_DELAY_SECONDS = 10;

    @Override
    public String id() {
        return "store-sqlite";
    }

    @Override
    public Class<SqliteStoreConfig> configType() {
        return SqliteStoreConfig.class;
    }

    @Override
    public SqliteStoreConfig defaultConfig() {
        return SqliteStoreConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<SqliteStoreConfig> context) throws Exception {
        config = context.config();
        Path dir = context.dataDirectory();
        Path database = dir.resolve(config.databaseFile());
        marker = dir.resolve(CLEAN_MARKER);
        boolean crashed = Files.exists(database) && !Files.exists(marker);
        Files.deleteIfExists(marker);
        blobs = new BlobFiles(dir.resolve(config.blobDirectory()));
        int temps = blobs.cleanTemporaryFiles();
        if (temps > 0) {
            LOG.warn("removed {} unfinished blob file(s) left by an interrupted write", temps);
        }
        writeConnection = open(database, false);
        writeConnection.setAutoCommit(true);
        Schema.migrate(writeConnection);
        if (crashed) {
            String check = quickCheck(writeConnection);
            if (!check.equals("ok")) {
                writeConnection.close();
                throw new IllegalStateException("database " + database + " failed its integrity check after an unclean stop: " + check);
            }
            LOG.info("store was not stopped cleanly; integrity check passed");
        }
        prepareForWriting(writeConnection);
        List<Connection> readers = new ArrayList<>();
        for (int i = 0; i < config.readConnections(); i++) {
            Connection reader = open(database, true);
            try (Statement s = reader.createStatement()) {
                s.execute("PRAGMA cache_size=-" + Math.max(1, config.readCacheBytes() / 1024));
            }
            readers.add(reader);
        }
        reads = new ReadPool(readers, config.readTimeout());
        // the query index is written only after readings came: an idle store wakes no thread for it
        indexSoon = context.scheduler().coalescing(config.indexInterval(), this::writeIndex);
        StoreMeters meters = new StoreMeters(context.meters(), database);
        GroupCommitWriter w = new GroupCommitWriter(writeConnection, () -> prepareForWriting(open(database, false)),
                config.maxBatchReadings(), config.commitGatherMax(), new GroupCommitWriter.CommitListener() {
                    @Override
                    public void committed(int readings, long nanos) {
                        meters.committed(readings, nanos);
                        if (readings > 0) {
                            indexSoon.run();
                        }
                    }

                    @Override
                    public void failed() {
                        meters.failed();
                    }
                });
        int reindexed = w.statements().samples().recover(writeConnection);
        if (reindexed > 0) {
            LOG.info("indexing {} reading(s) the query index had not reached before the last stop", reindexed);
        }
        CountDownLatch done = new CountDownLatch(1);
        context.scheduler().blocking().execute(() -> {
            try {
                w.run();
            } finally {
                done.countDown();
            }
        });
        writerDone = done;
        writer = w;
        indexSoon.run(); // what recovery found to index
        retention = new Retention(config, dir, dir.resolve(config.blobDirectory()));
        context.scheduler().scheduleBlockingWithFixedDelay(this::applyRetention,
                Duration.ofSeconds(RETENTION_FIRST_DELAY_SECONDS), config.retentionInterval());
        LOG.info("store open: {} (last sequence {})", database, lastSequence());
    }

    private static Connection open(Path database, boolean readOnly) throws SQLException {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.setBusyTimeout(10_000);
        c.setReadOnly(readOnly);
        SQLiteDataSource ds = new SQLiteDataSource(c);
        ds.setUrl("jdbc:sqlite:" + database);
        return ds.getConnection();
    }

    private Connection prepareForWriting(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // fewer, larger checkpoints: they fsync the database file, and they run inside a commit
            s.execute("PRAGMA wal_autocheckpoint=" + WAL_CHECKPOINT_PAGES);
            s.execute("PRAGMA cache_size=-" + Math.max(1, config.writeCacheBytes() / 1024));
        }
        c.setAutoCommit(false);
        return c;
    }

    private static String quickCheck(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            return rs.next() ? rs.getString(1) : "no answer";
        }
    }

    @Override
    public void stop() {
        GroupCommitWriter w = writer;
        if (w != null) {
            w.stop();
            try {
                if (!writerDone.await(WRITER_DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("store writer still busy after {} ms; closing anyway", WRITER_DRAIN_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reads != null) {
            reads.close();
        }
        try {
            if (w != null) {
                w.close();
            }
            if (marker != null) {
                Files.writeString(marker, Instant.now().toString());
            }
        } catch (IOException e) {
            LOG.warn("store did not close cleanly: {}", e.getMessage());
        }
    }

    /** Writes the waiting samples into the query index (indexInterval after readings were committed, on a blocking thread). */
    private void writeIndex() {
        GroupCommitWriter w = writer;
        if (w == null || !w.statements().samples().behind()) {
            return; // nothing new: no transaction, so no empty commit counted on /metrics, no writer wake-up
        }
        try {
            w.write(new GroupCommitWriter.Write() {
                @Override
                public void apply(Statements s) throws SQLException {
                    s.samples().flushPending();
                }

                @Override
                public void committed(Statements s) {
                    s.samples().flushed();
                }
            });
        } catch (RecordException e) {
            lastError = "query index not updated: " + e.getMessage();
            indexSoon.run(); // the samples stay pending: tried again after indexInterval, not in a loop
        }
    }

    /** Runs retention now (also called by the timer); returns what it did. */
    Retention.Run applyRetention() {
        return applyRetention(Instant.now());
    }

    /** Runs retention as if it were {@code now} (a simulated year runs it at each simulated day's end). */
    Retention.Run applyRetention(Instant now) {
        Retention.Run[] run = new Retention.Run[1];
        try {
            writer().write(new GroupCommitWriter.Write() {
                @Override
                public void apply(Statements s) throws SQLException {
                    // the waiting samples first: indexed after retention, they would index readings it removed and
                    // grow the store past the budget it has just enforced
                    s.samples().flushPending();
                    run[0] = retention.apply(s.connection(), now);
                }

                @Override
                public void committed(Statements s) {
                    s.samples().flushed();
                }
            });
        } catch (RecordException e) {
            lastError = "retention failed: " + e.getMessage();
            return null;
        }
        for (String sha : run[0].orphanedBlobs()) {
            try {
                Files.deleteIfExists(blobs.path(sha));
            } catch (IOException e) {
                LOG.warn("cannot delete blob file {}: {}", sha, e.getMessage());
            }
        }
        lastRetention = run[0];
        return run[0];
    }

    private GroupCommitWriter writer() throws RecordException {
        GroupCommitWriter w = writer;
        if (w == null) {
            throw new RecordException("the SQLite store is not running");
        }
        return w;
    }

    @Override
    public void record(List<Reading> readings) throws RecordException {
        if (readings.isEmpty()) {
            return;
        }
        write(appending(readings));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> recordAsync(List<Reading> readings, java.util.concurrent.Executor blocking) {
        if (readings.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        try {
            return writer().writeAsync(appending(readings)).whenComplete((ok, e) -> {
                if (e != null) {
                    lastError = e.getMessage();
                }
            });
        } catch (RecordException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    private static GroupCommitWriter.Write appending(List<Reading> readings) {
        return new GroupCommitWriter.Write() {
            @Override
            public int readings() {
                return readings.size();
            }

            @Override
            public void apply(Statements s) throws SQLException {
                for (Reading r : readings) {
                    s.add(r);
                }
            }
        };
    }

    @Override
    public Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException {
        if (content.length > config.maxBlobBytes()) {
            throw new RecordException("blob of " + content.length + " bytes exceeds maxBlobBytes " + config.maxBlobBytes());
        }
        String sha = org.understudy.api.Hashes.sha256(content);
        try {
            blobs.write(sha, content);
        } catch (IOException e) {
            lastError = "blob not stored: " + e.getMessage();
            throw new RecordException("blob not stored: " + e.getMessage(), e);
        }
        Blob blob = new Blob(sha, contentType, content.length, deviceId, profile, time);
        write(s -> {
            try (var p = s.connection().prepareStatement("INSERT OR IGNORE INTO blob(sha256, device, profile, time,"
                    + " content_type, size) VALUES (?,?,?,?,?,?)")) {
                p.setString(1, sha);
                p.setString(2, deviceId);
                p.setString(3, profile);
                p.setLong(4, time.toEpochMilli());
                p.setString(5, contentType);
                p.setLong(6, content.length);
                p.executeUpdate();
            }
        });
        return blob;
    }

    @Override
    public Optional<byte[]> blobContent(String sha256) {
        return sha256 != null && sha256.matches("[0-9a-f]{64}") ? blobs.read(sha256) : Optional.empty();
    }

    @Override
    public Optional<Blob> blob(String sha256) {
        return sha256 != null && sha256.matches("[0-9a-f]{64}") ? reads.read(c -> Queries.blob(c, sha256)) : Optional.empty();
    }

    @Override
    public List<Blob> pictures(String deviceId, Instant from, Instant to, Blob after, int max) {
        return reads.read(c -> Queries.pictures(c, deviceId, from, to, after, max));
    }

    @Override
    public void recordFlows(List<Flow> flows) throws RecordException {
        if (flows.isEmpty()) {
            return;
        }
        List<String> bodies = new ArrayList<>(flows.size());
        for (Flow f : flows) {
            bodies.add(Json.write(FlowRow.of(withLargeBodiesAsBlobs(f), config.flowInlineBodyBytes())));
        }
        int max = config.maxFlows();
        write(s -> {
            try (var p = s.connection().prepareStatement("INSERT INTO flow(start, profile, host, method, target, status,"
                    + " outcome, body) VALUES (?,?,?,?,?,?,?,?)")) {
                for (int i = 0; i < flows.size(); i++) {
                    Flow flow = flows.get(i);
                    p.setLong(1, flow.start().toEpochMilli());
                    p.setString(2, flow.profile());
                    p.setString(3, flow.host());
                    p.setString(4, flow.method());
                    p.setString(5, flow.target());
                    p.setInt(6, flow.status());
                    p.setString(7, flow.outcome().name());
                    p.setString(8, bodies.get(i));
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (var trim = s.connection().prepareStatement("DELETE FROM flow WHERE id <= (SELECT max(id) FROM flow) - ?")) {
                trim.setInt(1, max);
                trim.executeUpdate();
            }
        });
    }

    /** Bodies above the inline limit go into blobs (linked to no device) so that the flow can be read back whole. */
    private Flow withLargeBodiesAsBlobs(Flow f) throws RecordException {
        Flow.Body request = asBlob(f, f.requestBody(), FlowTable.contentType(f.requestHeaders()));
        Flow.Body response = asBlob(f, f.responseBody(), FlowTable.contentType(f.responseHeaders()));
        return request == f.requestBody() && response == f.responseBody() ? f
                : new Flow(f.start(), f.duration(), f.profile(), f.client(), f.host(), f.method(), f.target(), f.status(),
                        f.outcome(), f.requestHeaders(), f.responseHeaders(), request, response);
    }

    private Flow.Body asBlob(Flow f, Flow.Body body, String contentType) throws RecordException {
        if (body.inline() == null || body.inline().length <= config.flowInlineBodyBytes()) {
            return body;
        }
        Blob blob = storeBlob("", f.profile() == null ? "" : f.profile(), f.start(), contentType, body.inline());
        return new Flow.Body(null, blob.sha256(), body.size());
    }

    @Override
    public List<StoredFlow> flowsAfter(long afterId, String host, Flow.Outcome outcome, int max) {
        return reads.read(c -> FlowTable.after(c, afterId, host, outcome, max));
    }

    @Override
    public List<StoredFlow> flows(Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId, int max) {
        return reads.read(c -> FlowTable.recent(c, from, to, host, outcome, beforeId, max));
    }

    @Override
    public long countFlows(Instant from, Instant to, String host, Flow.Outcome outcome, long max) {
        return reads.read(c -> FlowTable.count(c, from, to, host, outcome, max));
    }

    @Override
    public long flowCursor(String name) {
        return reads.read(c -> FlowTable.cursor(c, name));
    }

    @Override
    public void saveFlowCursor(String name, long flowId) throws RecordException {
        write(s -> FlowTable.saveCursor(s.connection(), name, flowId));
    }

    @Override
    public void recordDevice(Device device) throws RecordException {
        write(s -> s.putDevice(device));
    }

    @Override
    public List<StoredReading> readAfter(long afterSequence, int max) {
        return reads.read(c -> Queries.readAfter(c, afterSequence, max));
    }

    @Override
    public long lastSequence() {
        return reads.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name='reading'), 0)")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public long cursor(String sinkId) {
        return reads.read(c -> {
            try (var p = c.prepareStatement("SELECT seq FROM sink_cursor WHERE sink = ?")) {
                p.setString(1, sinkId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void saveCursor(String sinkId, long sequence) throws RecordException {
        write(s -> {
            try (var p = s.connection().prepareStatement("INSERT INTO sink_cursor(sink, seq) VALUES (?, ?)"
                    + " ON CONFLICT(sink) DO UPDATE SET seq = excluded.seq")) {
                p.setString(1, sinkId);
                p.setLong(2, sequence);
                p.executeUpdate();
            }
        });
    }

    @Override
    public List<Device> devices() {
        return reads.read(Queries::devices);
    }

    @Override
    public Optional<Reading> latest(String deviceId) {
        return reads.read(c -> Queries.latest(c, deviceId));
    }

    @Override
    public List<SeriesPoint> series(ReadingQuery query) {
        return reads.read(c -> Queries.series(c, query));
    }

    private void write(GroupCommitWriter.Write w) throws RecordException {
        try {
            writer().write(w);
        } catch (RecordException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    @Override
    public Map<String, Object> status() {
        GroupCommitWriter w = writer;
        if (w == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("durable", true);
        out.put("commits", w.commits());
        out.put("committedWrites", w.committedWrites());
        out.put("committedReadings", w.committedReadings());
        out.put("queuedWrites", w.queued());
        out.put("indexPendingSamples", w.statements().samples().pending());
        out.put("indexedSequence", w.statements().samples().indexedSequence());
        out.put("lastError", lastError);
        Retention.Run r = lastRetention;
        if (r != null) {
            Map<String, Object> ret = new LinkedHashMap<>();
            ret.put("lastRun", r.at().toString());
            ret.put("deletedReadings", r.readings());
            ret.put("deletedBlobs", r.blobs());
            ret.put("deletedFlows", r.flows());
            ret.put("droppedUndelivered", r.droppedUndelivered());
            ret.put("droppedBlobsOverBudget", r.droppedBlobs());
            out.put("retention", ret);
        }
        try {
            out.put("droppedUndeliveredTotal", reads.read(c -> Retention.counter(c, "dropped_undelivered")));
            out.put("usedBytes", reads.read(Retention::usedBytes));
        } catch (RuntimeException e) {
            out.put("usedBytes", null);
        }
        return out;
    }
}
