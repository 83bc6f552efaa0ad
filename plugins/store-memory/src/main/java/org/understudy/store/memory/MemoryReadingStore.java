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
import org.understudy.api.spi.BlobStore;
import org.understudy.api.spi.FlowStore;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.SeriesPoint;

/**
 * A {@link ReadingStore} in memory. Not durable: it exists for tests and to try the gateway out; the
 * runtime selects it only when configured (or when it is the only store installed).
 */
public final class MemoryReadingStore implements ReadingStore<MemoryStoreConfig>, BlobStore, FlowStore {

    private final Deque<StoredReading> readings = new ArrayDeque<>();
    private final Deque<StoredFlow> flows = new ArrayDeque<>();
    private final Map<String, Long> flowCursors = new LinkedHashMap<>();
    private long lastFlowId;
    private final Map<String, byte[]> blobContent = new LinkedHashMap<>();
    private final List<Blob> blobs = new ArrayList<>();
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
    public synchronized void record(List<Reading> batch) {
        for (Reading r : batch) {
            readings.addLast(new StoredReading(++lastSequence, r));
            Device d = new Device(r.deviceId(), r.profile(), r.receivedAt(), r.receivedAt(), Map.of());
            recordDevice(d);
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
            var gone = it.next();
            blobBytes -= gone.getValue().length;
            blobs.removeIf(b -> b.sha256().equals(gone.getKey()));
            it.remove();
        }
    }

    @Override
    public synchronized Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content)
            throws RecordException {
        if (content.length > config.maxBlobBytes()) {
            throw new RecordException("blob of " + content.length + " bytes exceeds maxBlobBytes " + config.maxBlobBytes());
        }
        String hash = org.understudy.api.Hashes.sha256(content);
        if (blobContent.put(hash, content.clone()) == null) {
            blobBytes += content.length;
        }
        Blob blob = new Blob(hash, contentType, content.length, deviceId, profile, time);
        if (!blobs.contains(blob)) {
            blobs.add(blob);
        }
        trim();
        return blob;
    }

    @Override
    public synchronized Optional<Blob> blob(String sha256) {
        return blobs.stream().filter(b -> b.sha256().equals(sha256)).findFirst();
    }

    @Override
    public synchronized List<Blob> pictures(String deviceId, Instant from, Instant to, Blob after, int max) {
        java.util.Comparator<Blob> order = java.util.Comparator.comparing(Blob::time).thenComparing(Blob::sha256);
        return blobs.stream().filter(b -> b.deviceId().equals(deviceId) && !b.time().isBefore(from) && b.time().isBefore(to))
                .filter(b -> after == null || order.compare(b, after) > 0).sorted(order).limit(max).toList();
    }

    @Override
    public synchronized Optional<byte[]> blobContent(String sha256) {
        return Optional.ofNullable(blobContent.get(sha256)).map(byte[]::clone);
    }

    @Override
    public synchronized void recordFlows(List<Flow> batch) {
        for (Flow flow : batch) {
            flows.addLast(new StoredFlow(++lastFlowId, flow));
        }
        trim();
    }

    @Override
    public synchronized List<StoredFlow> flows(Instant from, Instant to, String host, Flow.Outcome outcome, long beforeId, int max) {
        List<StoredFlow> out = new ArrayList<>();
        for (var it = flows.descendingIterator(); it.hasNext() && out.size() < max;) {
            StoredFlow f = it.next();
            if (f.id() < beforeId && !f.flow().start().isBefore(from) && f.flow().start().isBefore(to)
                    && (host == null || host.equals(f.flow().host())) && (outcome == null || outcome == f.flow().outcome())) {
                out.add(f);
            }
        }
        return out;
    }

    @Override
    public synchronized List<StoredFlow> flowsAfter(long afterId, String host, Flow.Outcome outcome, int max) {
        List<StoredFlow> out = new ArrayList<>();
        for (StoredFlow f : flows) {
            if (out.size() >= max) {
                break;
            }
            if (f.id() > afterId && (outcome == null || f.flow().outcome() == outcome) && (host == null || host.equals(f.flow().host()))) {
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
    public synchronized void recordDevice(Device device) {
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
