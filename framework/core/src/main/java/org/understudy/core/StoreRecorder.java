package org.understudy.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.understudy.api.FlowLog;
import org.understudy.api.RecordException;
import org.understudy.api.Recorder;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.spi.ReadingStore;

/**
 * The store access every plugin gets: the {@link Recorder} writes into whichever store is active at the
 * time, the {@link FlowLog} reads flows back from it.
 */
final class StoreRecorder implements Recorder, FlowLog, org.understudy.api.QueryService {

    private final Supplier<ReadingStore<?>> activeStore;
    private final Supplier<String> whyNone;
    private final Runnable afterRecord;

    private final java.util.concurrent.Executor blocking;
    /** One measurement, one reading: repeats of the last durable one are not recorded again. */
    final RepeatedMeasurements repeats = new RepeatedMeasurements();

    /**
     * @param afterRecord told after readings were recorded (wakes the sinks)
     * @param blocking where a store without a writer of its own does an asynchronous append
     */
    StoreRecorder(Supplier<ReadingStore<?>> activeStore, Supplier<String> whyNone, Runnable afterRecord,
                  java.util.concurrent.Executor blocking) {
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

    @Override
    public void record(List<Reading> readings) throws RecordException {
        List<Reading> fresh = repeats.withoutRepeats(readings);
        if (!fresh.isEmpty()) {
            store().append(fresh);
            repeats.durable(fresh);
            afterRecord.run();
        }
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> recordAsync(List<Reading> readings) {
        List<Reading> fresh = repeats.withoutRepeats(readings);
        if (fresh.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        try {
            return store().appendAsync(fresh, blocking).thenRun(() -> {
                repeats.durable(fresh);
                afterRecord.run();
            });
        } catch (RecordException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException {
        return store().putBlob(deviceId, profile, time, contentType, content);
    }

    @Override
    public List<Device> devices() {
        ReadingStore<?> store = activeStore.get();
        return store == null ? List.of() : store.devices();
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
    public void recordFlow(Flow flow) throws RecordException {
        store().putFlow(flow);
    }

    @Override
    public void recordFlows(List<Flow> flows) throws RecordException {
        if (!flows.isEmpty()) {
            store().putFlows(flows);
        }
    }

    @Override
    public void recordDevice(Device device) throws RecordException {
        store().putDevice(device);
    }

    @Override
    public List<StoredFlow> after(long afterId, String host, Flow.Outcome outcome, int max) throws RecordException {
        return store().flowsAfter(afterId, host, outcome, max);
    }

    @Override
    public byte[] content(Flow.Body body) throws RecordException {
        if (body.inline() != null) {
            return body.inline();
        }
        Optional<byte[]> blob = body.blobSha256() == null ? Optional.empty() : store().blobContent(body.blobSha256());
        return blob.orElseThrow(() -> new RecordException(body.blobSha256() == null
                ? "the body (" + body.size() + " bytes) was not kept" : "the body's blob " + body.blobSha256() + " is gone"));
    }

    @Override
    public long cursor(String name) throws RecordException {
        return store().flowCursor(name);
    }

    @Override
    public void saveCursor(String name, long flowId) throws RecordException {
        store().saveFlowCursor(name, flowId);
    }
}
