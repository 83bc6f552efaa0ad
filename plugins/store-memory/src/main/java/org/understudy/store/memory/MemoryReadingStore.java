package org.understudy.store.memory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.RecordException;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.SeriesPoint;

/**
 * A {@link ReadingStore} in memory. Not durable: it exists for tests and to try the gateway out; the
 * runtime selects it only when configured (or when it is the only store installed).
 */
public final class MemoryReadingStore implements ReadingStore<MemoryStoreConfig> {

    private final Deque<StoredReading> readings = new ArrayDeque<>();
    private final Deque<StoredFlow> flows = new ArrayDeque<>();
    private final Map<String, Long> flowCursors = new LinkedHashMap<>();
    private long lastFlowId;
    private final Map<String, byte[]> blobContent = new LinkedHashMap<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, Long> cursors = new LinkedHashMap<>();
    private volatile MemoryStoreConfig config = MemoryStoreConfig.DEFAULTS;
    private long lastSequence;
    private long blobBytes;
    private long dropped;

    @Override
    public String id() {
        return "store-memory";
    }

    @Override
    public Class<MemoryStoreConfig> configType() {
        return MemoryStoreConfig.class;
    }

    @Override
    public MemoryStoreConfig defaultConfig() {
        return MemoryStoreConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<MemoryStoreConfig> context) {
        config = context.config();
    }

    @Override
    public synchronized boolean reconfigure(MemoryStoreConfig newConfig) {
        config = newConfig;
        trim();
        return true;
    }

    @Override
    public void stop() {
        // nothing to release: the data goes with the instance
    }

    @Override
    public synchronized Map<String, Object> status() {
        return Map.of("readings", readings.size(), "lastSequence", lastSequence, "devices", devices.size(),
                "blobs", blobContent.size(), "droppedReadings", dropped, "durable", false);
    }

    @Override
    public synchronized void append(List<Reading> batch) {
        for (Reading r : batch) {
            readings.addLast(new StoredReading(++lastSequence, r));
            Device d = new Device(r.deviceId(), r.profile(), r.receivedAt(), r.receivedAt(), Map.of());
            putDevice(d);
        }
        trim();
    }

    private void trim() {
        while (readings.size() > config.maxReadings()) {
            readings.removeFirst();
            dropped++;
        }
        while (flows.size() > config.maxFlows()) {
            flows.removeFirst();
        }
        var it = blobContent.entrySet().iterator();
        while (blobBytes > config.maxBlobBytes() && it.hasNext()) {
            blobBytes -= it.next().getValue().length;
            it.remove();
        }
    }

    @Override
    public synchronized Blob putBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException {
        if (content.length > config.maxBlobBytes()) {
            throw new RecordException("blob of " + content.length + " bytes exceeds maxBlobBytes " + config.maxBlobBytes());
        }
        String hash = org.understudy.api.Hashes.sha256(content);
        if (blobContent.put(hash, content.clone()) == null) {
            blobBytes += content.length;
        }
        trim();
        return new Blob(hash, contentType, content.length, deviceId, profile, time);
    }

    @Override
    public synchronized Optional<byte[]> blobContent(String sha256) {
        return Optional.ofNullable(blobContent.get(sha256)).map(byte[]::clone);
    }

    @Override
    public synchronized void putFlow(Flow flow) {
        flows.addLast(new StoredFlow(++lastFlowId, flow));
        trim();
    }

    @Override
    public synchronized List<StoredFlow> flowsAfter(long afterId, String host, Flow.Outcome outcome, int max) {
        List<StoredFlow> out = new ArrayList<>();
        for (StoredFlow f : flows) {
            if (out.size() >= max) {
                break;
            }
            if (f.id() > afterId && f.flow().outcome() == outcome && (host == null || host.equals(f.flow().host()))) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public synchronized long flowCursor(String name) {
        return flowCursors.getOrDefault(name, 0L);
    }

    @Override
    public synchronized void saveFlowCursor(String name, long flowId) {
        flowCursors.put(name, flowId);
    }

    @Override
    public synchronized void putDevice(Device device) {
        devices.merge(device.id(), device, (old, d) -> {
            Map<String, String> attributes = new LinkedHashMap<>(old.attributes());
            attributes.putAll(d.attributes());
            Instant first = old.firstSeen().isBefore(d.firstSeen()) ? old.firstSeen() : d.firstSeen();
            Instant last = old.lastSeen().isAfter(d.lastSeen()) ? old.lastSeen() : d.lastSeen();
            return new Device(old.id(), d.profile(), first, last, attributes);
        });
    }

    @Override
    public synchronized List<StoredReading> readAfter(long afterSequence, int max) {
        List<StoredReading> out = new ArrayList<>();
        for (StoredReading r : readings) {
            if (r.sequence() > afterSequence) {
                out.add(r);
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public synchronized long lastSequence() {
        return lastSequence;
    }

    @Override
    public synchronized long cursor(String sinkId) {
        return cursors.getOrDefault(sinkId, 0L);
    }

    @Override
    public synchronized void saveCursor(String sinkId, long sequence) {
        cursors.put(sinkId, sequence);
    }

    @Override
    public synchronized List<Device> devices() {
        return List.copyOf(devices.values());
    }

    @Override
    public synchronized Optional<Reading> latest(String deviceId) {
        var it = readings.descendingIterator();
        while (it.hasNext()) {
            Reading r = it.next().reading();
            if (r.deviceId().equals(deviceId)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized List<SeriesPoint> series(ReadingQuery query) {
        return Downsampler.series(readings, query);
    }

}
