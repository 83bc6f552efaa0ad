package org.understudy.store.sqlite;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.RecordException;
import org.understudy.api.model.Blob;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

class SqliteReadingStoreTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path data;

    static Reading reading(String device, Instant t, double temperature) {
        Map<String, MetricValue> m = new java.util.LinkedHashMap<>();
        m.put("temperature", MetricValue.of(temperature, "Cel"));
        m.put("rain", MetricValue.of(false));
        m.put("firmware", MetricValue.of("1.2.3"));
        return new Reading(device, "bloomsky", t, t.plusMillis(250), m, Map.of("site", "stupa"));
    }

    @Test
    void readingsKeepTheirFormOrderAndSequencesAcrossRestarts() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            s.recorder().record(List.of(reading("sky1", T0, -3.5), reading("sky2", T0, 1.0)));
            s.recorder().record(List.of(reading("sky1", T0.plusSeconds(300), -2.0)));
            List<StoredReading> all = s.store().readAfter(0, 10);
            assertEquals(List.of(1L, 2L, 3L), all.stream().map(StoredReading::sequence).toList());
            assertEquals(reading("sky1", T0, -3.5), all.get(0).reading(), "metrics, units, flags, texts and tags survive");
            assertEquals(List.of("temperature", "rain", "firmware"), List.copyOf(all.get(0).reading().metrics().keySet()));
            s.store().saveCursor("influx", 2);
        }
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            assertEquals(3, s.store().lastSequence());
            assertEquals(2, s.store().cursor("influx"));
            s.recorder().record(List.of(reading("sky1", T0.plusSeconds(600), 0.5)));
            assertEquals(List.of(4L), s.store().readAfter(3, 10).stream().map(StoredReading::sequence).toList());
            List<Device> devices = s.store().devices();
            assertEquals(List.of("sky1", "sky2"), devices.stream().map(Device::id).toList());
            assertEquals(T0.plusMillis(250), devices.get(0).firstSeen());
            assertEquals(T0.plusSeconds(600).plusMillis(250), devices.get(0).lastSeen());
            assertEquals(0.5, ((MetricValue.Number) s.store().latest("sky1").orElseThrow().metrics().get("temperature")).value());
        }
    }

    @Test
    void anAsynchronousAppendCompletesOnceDurableAndFailsClearlyWhenTheStoreIsGone() throws Exception {
        var store = new java.util.concurrent.atomic.AtomicReference<org.understudy.api.spi.ReadingStore<?>>();
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            store.set(s.store());
            s.store().recordAsync(List.of(reading("sky1", T0, 4.5)), Runnable::run).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, s.store().readAfter(0, 10).size(), "readable once the future completed");
        }
        var failed = store.get().recordAsync(List.of(reading("sky1", T0, 5.5)), Runnable::run);
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> failed.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof RecordException, String.valueOf(e.getCause()));
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            assertEquals(1, s.store().readAfter(0, 10).size(), "the failed one was not written");
        }
    }

    @Test
    void seriesRawAndDownsampled() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                batch.add(reading("sky1", T0.plus(Duration.ofMinutes(5L * i)), i));
            }
            s.recorder().record(batch);
            awaitIndexed(s, 24);
            List<SeriesPoint> raw = s.store().series(new ReadingQuery("sky1", "temperature", T0, T0.plus(Duration.ofMinutes(30)), null));
            assertEquals(6, raw.size());
            List<SeriesPoint> hourly = s.store().series(new ReadingQuery("sky1", null, T0, T0.plus(Duration.ofHours(2)), Duration.ofHours(1)));
            assertEquals(List.of(new SeriesPoint("temperature", T0, 0, 11, 5.5, 12),
                    new SeriesPoint("temperature", T0.plus(Duration.ofHours(1)), 12, 23, 17.5, 12)), hourly);
        }
    }

    @Test
    void bucketsAreSummedPerMetricInMetricThenTimeOrderWithEmptyStepsLeftOut() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                if (i >= 4 && i < 8) {
                    continue; // an outage: the 20-minute steps between them have nothing
                }
                Instant t = T0.plus(Duration.ofMinutes(5L * i));
                batch.add(new Reading("sky2", "bloomsky", t, t, Map.of("temperature", MetricValue.of(i, "Cel"),
                        "humidity", MetricValue.of(100 - i, "%"), "rain", MetricValue.of(false)), Map.of()));
            }
            s.recorder().record(batch);
            awaitIndexed(s, 8);
            Duration step = Duration.ofMinutes(20);
            List<SeriesPoint> points = s.store().series(new ReadingQuery("sky2", null, T0, T0.plus(Duration.ofHours(1)), step));
            assertEquals(List.of(new SeriesPoint("humidity", T0, 97, 100, 98.5, 4),
                    new SeriesPoint("humidity", T0.plus(step.multipliedBy(2)), 89, 92, 90.5, 4),
                    new SeriesPoint("temperature", T0, 0, 3, 1.5, 4),
                    new SeriesPoint("temperature", T0.plus(step.multipliedBy(2)), 8, 11, 9.5, 4)), points);
        }
    }

    static void awaitIndexed(EmbeddedStore s, long seq) throws InterruptedException {
        await("the query index to reach " + seq).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> indexedSequence(s), indexed -> indexed >= seq);
    }

    private static long indexedSequence(EmbeddedStore s) {
        Map<?, ?> status = (Map<?, ?>) ((Map<?, ?>) ((List<?>) s.runtime().status().get("plugins")).stream()
                .map(Map.class::cast).filter(p -> "store-sqlite".equals(p.get("id"))).findFirst().orElseThrow()).get("status");
        return ((Number) status.get("indexedSequence")).longValue();
    }

    @Test
    void theQueryIndexIsRebuiltForReadingsItHadNotReachedBeforeAStop() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("indexInterval", "1h"))) {
            s.recorder().record(List.of(reading("sky1", T0, 1), reading("sky1", T0.plusSeconds(60), 2)));
        }
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("indexInterval", "50ms"))) {
            awaitIndexed(s, 2);
            assertEquals(2, s.store().series(new ReadingQuery("sky1", "temperature", T0, T0.plusSeconds(120), null)).size());
        }
    }

    @Test
    void readingsWrittenWhileTheIndexIsFlushedKeepTheirSamples() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("indexInterval", "1ms"))) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String device = "d" + t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < 300; i++) {
                        try {
                            s.recorder().record(List.of(reading(device, T0.plusSeconds(i), i)));
                        } catch (RecordException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                writers.add(w);
                w.start();
            }
            for (Thread w : writers) {
                w.join();
            }
            awaitIndexed(s, 2400);
            for (int t = 0; t < 8; t++) {
                assertEquals(300, s.store().series(new ReadingQuery("d" + t, "temperature", T0, T0.plusSeconds(300), null)).size(),
                        "every sample of d" + t + " indexed");
            }
        }
    }

    @Test
    void blobsAreContentAddressedFilesAndDevicesMergeAttributes() throws Exception {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, 1, 2, 3, (byte) 0xff, (byte) 0xd9};
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("maxBlobBytes", "100"))) {
            Blob b = s.recorder().storeBlob("sky1", "bloomsky", T0, "image/jpeg", jpeg);
            assertEquals(org.understudy.api.Hashes.sha256(jpeg), b.sha256());
            assertArrayEquals(jpeg, s.store().blobContent(b.sha256()).orElseThrow());
            Path file = data.resolve("plugins/store-sqlite/blobs").resolve(b.sha256().substring(0, 2)).resolve(b.sha256());
            assertArrayEquals(jpeg, Files.readAllBytes(file));
            RecordException tooBig = assertThrows(RecordException.class,
                    () -> s.recorder().storeBlob("sky1", "bloomsky", T0, "image/jpeg", new byte[101]));
            assertEquals("blob of 101 bytes exceeds maxBlobBytes 100", tooBig.getMessage());
            s.recorder().recordDevice(new Device("sky1", "bloomsky", T0, T0, Map.of("model", "SKY2")));
            s.recorder().recordDevice(new Device("sky1", "bloomsky", T0, T0.plusSeconds(5), Map.of("fw", "1.4")));
            assertEquals(Map.of("model", "SKY2", "fw", "1.4"), s.store().devices().get(0).attributes());
        }
        Path leftover = data.resolve("plugins/store-sqlite/blobs/ab/" + BlobFiles.TEMP_PREFIX + "crashed");
        Files.createDirectories(leftover.getParent());
        Files.write(leftover, new byte[] {1});
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            assertFalse(Files.exists(leftover), "temporary blob files are removed at start");
        }
    }

    @Test
    void concurrentCallersShareCommitsAndEveryoneGetsTheirOwnSequences() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of())) {
            int threads = 32;
            int each = 200;
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String device = "dev" + t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            s.recorder().record(List.of(reading(device, T0.plusSeconds(i), i)));
                        } catch (RecordException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            assertEquals((long) threads * each, s.store().lastSequence());
            Map<?, ?> status = (Map<?, ?>) ((Map<?, ?>) ((List<?>) s.runtime().status().get("plugins")).stream()
                    .map(Map.class::cast).filter(p -> "store-sqlite".equals(p.get("id"))).findFirst().orElseThrow()).get("status");
            long commits = ((Number) status.get("commits")).longValue();
            assertTrue(commits < threads * each, "group commit: " + commits + " commits for " + threads * each + " writes");
        }
    }
}
