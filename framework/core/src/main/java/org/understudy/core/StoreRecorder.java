package org.understudy.core;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.understudy.api.FlowLog;
import org.understudy.api.QueryService;
import org.understudy.api.RecordException;
import org.understudy.api.Recorder;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.spi.BlobStore;
import org.understudy.api.spi.FlowStore;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.SeriesPoint;

/**
 * The store access every plugin gets, against whichever store is active at the time: the {@link Recorder}
 * writes, the {@link FlowLog} reads flows back with cursors, the {@link QueryService} is the read side (the
 * REST API uses it too). A capability the active store lacks (pictures, flows) is refused with the reason.
 */
final class StoreRecorder implements Recorder, FlowLog, QueryService {

    private final Supplier<ReadingStore<?>> activeStore;
    private final Supplier<String> whyNone;
    private final Runnable afterRecord;
    private final Executor blocking;
    /** One measurement, one reading: repeats of the last durable one are not recorded again. */
    final RepeatedMeasurements repeats = new RepeatedMeasurements();

    /**
     * @param afterRecord told after readings were recorded (wakes the sinks)
     * @param blocking where a store without a writer of its own does an asynchronous write
     */
    StoreRecorder(Supplier<ReadingStore<?>> activeStore, Supplier<String> whyNone, Runnable afterRecord, Executor blocking) {
        this.blocking = blocking;
        this.activeStore = activeStore;
        this.whyNone = whyNone;
        this.afterRecord = afterRecord;
    }

    private ReadingStore<?> store() throws RecordException {
        ReadingStore<?> store = activeStore.get();
        if (store == null) {
            throw new RecordException("no reading store is running: " + whyNone.get());
        }
        return store;
    }

    /** The active store for a read, or an {@link IllegalStateException} saying why there is none. */
    private ReadingStore<?> readable() {
        ReadingStore<?> store = activeStore.get();
        if (store == null) {
            throw new IllegalStateException("no reading store is running: " + whyNone.get());
        }
        return store;
    }

    private BlobStore blobs(ReadingStore<?> store) {
        if (store instanceof BlobStore b) {
            return b;
        }
        throw new IllegalStateException("the store " + store.id() + " keeps no pictures");
    }

    private FlowStore flowStore(ReadingStore<?> store) {
        if (store instanceof FlowStore f) {
            return f;
        }
        throw new IllegalStateException("the store " + store.id() + " keeps no flows");
    }

    @Override
    public void record(List<Reading> readings) throws RecordException {
        List<Reading> fresh = repeats.withoutRepeats(readings);
        if (!fresh.isEmpty()) {
            store().record(fresh);
            repeats.durable(fresh);
            afterRecord.run();
        }
    }

    @Override
    public CompletableFuture<Void> recordAsync(List<Reading> readings) {
        List<Reading> fresh = repeats.withoutRepeats(readings);
        if (fresh.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            return store().recordAsync(fresh, blocking).thenRun(() -> {
                repeats.durable(fresh);
                afterRecord.run();
            });
        } catch (RecordException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException {
        ReadingStore<?> store = store();
        if (!(store instanceof BlobStore b)) {
            throw new RecordException("the store " + store.id() + " keeps no pictures");
        }
        return b.storeBlob(deviceId, profile, time, contentType, content);
    }

    @Override
    public void recordFlow(Flow flow) throws RecordException {
        recordFlows(List.of(flow));
    }

    @Override
    public void recordFlows(List<Flow> flows) throws RecordException {
        if (flows.isEmpty()) {
            return;
        }
        ReadingStore<?> store = store();
        if (!(store instanceof FlowStore f)) {
            throw new RecordException("the store " + store.id() + " keeps no flows");
        }
        f.recordFlows(flows);
    }

    @Override
    public void recordDevice(Device device) throws RecordException {
        store().recordDevice(device);
    }

    // FlowLog

    @Override
    public List<StoredFlow> after(long afterId, String host, Flow.Outcome outcome, int max) throws RecordException {
        try {
            return flowStore(store()).flowsAfter(afterId, host, outcome, max);
        } catch (IllegalStateException e) {
            throw new RecordException(e.getMessage());
        }
    }

    @Override
    public byte[] content(Flow.Body body) throws RecordException {
        if (body.inline() != null) {
            return body.inline();
        }
        ReadingStore<?> store = store();
        Optional<byte[]> blob = body.blobSha256() == null || !(store instanceof BlobStore b) ? Optional.empty()
                : b.blobContent(body.blobSha256());
        return blob.orElseThrow(() -> new RecordException(body.blobSha256() == null
                ? "the body (" + body.size() + " bytes) was not kept" : "the body's blob " + body.blobSha256() + " is gone"));
    }

    @Override
    public long cursor(String name) throws RecordException {
        try {
            return flowStore(store()).flowCursor(name);
        } catch (IllegalStateException e) {
            throw new RecordException(e.getMessage());
        }
    }

    @Override
    public void saveCursor(String name, long flowId) throws RecordException {
        try {
            flowStore(store()).saveFlowCursor(name, flowId);
        } catch (IllegalStateException e) {
            throw new RecordException(e.getMessage());
        }
    }

    // QueryService

    @Override
    public List<Device> devices() {
        ReadingStore<?> store = activeStore.get();
        return store == null ? List.of() : store.devices();
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return devices().stream().filter(d -> d.id().equals(deviceId)).findFirst();
    }

    @Override
    public Optional<Reading> latest(String deviceId) {
        ReadingStore<?> store = activeStore.get();
        return store == null ? Optional.empty() : store.latest(deviceId);
    }

    @Override
    public long lastSequence() {
        ReadingStore<?> store = activeStore.get();
        return store == null ? 0 : store.lastSequence();
    }

    @Override
    public long sinkCursor(String sinkId) {
        ReadingStore<?> store = activeStore.get();
        return store == null ? 0 : store.cursor(sinkId);
    }

    @Override
    public List<SeriesPoint> series(ReadingQuery query, int maxPoints) {
        ReadingStore<?> store = readable();
        known(query.deviceId());
        if (query.step() != null && java.time.Duration.between(query.from(), query.to()).dividedBy(query.step()) > maxPoints) {
            throw new IllegalArgumentException("that many buckets exceed " + maxPoints + " points; use a larger step");
        }
        List<SeriesPoint> points = store.series(query);
        if (points.size() > maxPoints) {
            throw new IllegalArgumentException(points.size() + " points exceed " + maxPoints + "; use a step or a shorter range");
        }
        return points;
    }

    @Override
    public List<Blob> pictures(String deviceId, Instant from, Instant to, Blob after, int max) {
        BlobStore b = blobs(readable());
        known(deviceId);
        return b.pictures(deviceId, from, to, after, max);
    }

    @Override
    public Optional<Blob> picture(String sha256) {
        return blobs(readable()).blob(sha256);
    }

    @Override
    public Optional<byte[]> pictureContent(String sha256) {
        return blobs(readable()).blobContent(sha256);
    }

    @Override
    public List<StoredFlow> flows(Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId, int max) {
        try {
            return flowStore(readable()).flows(from, to, host, outcome, beforeId, max);
        } catch (RecordException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long countFlows(Instant from, Instant to, String host, Flow.Outcome outcome, long max) {
        try {
            return flowStore(readable()).countFlows(from, to, host, outcome, max);
        } catch (RecordException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void known(String deviceId) {
        if (device(deviceId).isEmpty()) {
            throw new NoSuchElementException("no device '" + deviceId + "' is known");
        }
    }
}
