package org.understudy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.Blob;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;

class RetentionTest {

    @TempDir
    Path data;

    static Reading old(String profile, String device, Duration age, int i) {
        Instant t = Instant.now().minus(age).plusSeconds(i);
        return new Reading(device, profile, t, t, Map.of("v", MetricValue.of(i, "")), Map.of());
    }

    static List<Long> sequences(EmbeddedStore s) {
        return s.store().readAfter(0, 10_000).stream().map(StoredReading::sequence).toList();
    }

    @Test
    void oldReadingsGoOnlyOnceEverySinkHasThem() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("readingRetention", "1d", "profileRetention", "short=1h"))) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(old("sky", "a", Duration.ofDays(2), i));
            }
            batch.add(old("sky", "a", Duration.ofMinutes(1), 0));       // 11: young
            batch.add(old("short", "b", Duration.ofHours(2), 0));       // 12: old for its profile
            s.recorder().record(batch);
            s.store().saveCursor("influx", 5);
            s.store().saveCursor("mqtt", 12);
            SqliteReadingStore store = (SqliteReadingStore) s.store();
            Retention.Run run = store.applyRetention();
            assertEquals(List.of(6L, 7L, 8L, 9L, 10L, 11L, 12L), sequences(s), "undelivered to influx: kept");
            assertEquals(5, run.readings());
            s.store().saveCursor("influx", 12);
            store.applyRetention();
            assertEquals(List.of(11L), sequences(s), "delivered everywhere: old readings gone, the young one stays");
            assertEquals(0, run.droppedUndelivered());
        }
    }

    @Test
    void perMetricRetentionRemovesOnlyThatMetric() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("metricRetention", "sky/lux=1d, sky/only=1d"))) {
            Instant t = Instant.now().minus(Duration.ofDays(3));
            s.recorder().record(List.of(
                    new Reading("a", "sky", t, t, Map.of("temp", MetricValue.of(1, "Cel"), "lux", MetricValue.of(900, "lx")), Map.of()),
                    new Reading("a", "sky", t, t, Map.of("only", MetricValue.of(5, "")), Map.of()),
                    new Reading("a", "other", t, t, Map.of("lux", MetricValue.of(7, "lx")), Map.of())));
            SqliteReadingStoreTest.awaitIndexed(s, 3);
            ((SqliteReadingStore) s.store()).applyRetention();
            List<StoredReading> left = s.store().readAfter(0, 10);
            assertEquals(List.of(1L, 3L), left.stream().map(StoredReading::sequence).toList(), "the reading left empty is gone");
            assertEquals(Map.of("temp", MetricValue.of(1, "Cel")), left.get(0).reading().metrics());
            assertTrue(left.get(1).reading().metrics().containsKey("lux"), "another profile's metric is untouched");
            assertEquals(0, s.store().series(new org.understudy.api.spi.ReadingQuery("a", "lux", t.minusSeconds(1),
                    Instant.now(), null)).stream().filter(p -> p.min() == 900).count(), "gone from the query index too");
        }
    }

    @Test
    void overTheDiskBudgetTheOldestGoFirstAndTheDropIsCounted() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("diskBudgetBytes", String.valueOf(400 * 1024)))) {
            List<Reading> batch = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                batch.add(old("sky", "d" + (i % 7), Duration.ofMinutes(10), i));
            }
            s.recorder().record(batch);
            s.store().saveCursor("influx", 0); // nothing delivered
            SqliteReadingStore store = (SqliteReadingStore) s.store();
            Retention.Run run = store.applyRetention();
            assertTrue(run.droppedUndelivered() > 0, "dropped " + run.droppedUndelivered());
            List<Long> left = sequences(s);
            assertFalse(left.isEmpty());
            assertEquals(20_000L, left.get(left.size() - 1), "the newest are kept");
            assertEquals(run.droppedUndelivered(), 20_000 - left.size());
            Map<?, ?> status = store.status();
            assertEquals(run.droppedUndelivered(), ((Number) status.get("droppedUndeliveredTotal")).longValue());
            assertTrue(((Number) status.get("usedBytes")).longValue() <= 400 * 1024, "under budget: " + status.get("usedBytes"));
        }
    }

    @Test
    void oldPicturesLoseTheirRowAndTheirFile() throws Exception {
        try (EmbeddedStore s = new EmbeddedStore(data, Map.of("pictureRetention", "1d"))) {
            Blob oldPicture = s.recorder().storeBlob("a", "sky", Instant.now().minus(Duration.ofDays(3)), "image/jpeg", new byte[] {1, 2, 3});
            Blob newPicture = s.recorder().storeBlob("a", "sky", Instant.now(), "image/jpeg", new byte[] {4, 5, 6});
            Path oldFile = data.resolve("plugins/store-sqlite/blobs").resolve(oldPicture.sha256().substring(0, 2)).resolve(oldPicture.sha256());
            Files.setLastModifiedTime(oldFile, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
            ((SqliteReadingStore) s.store()).applyRetention();
            assertFalse(Files.exists(oldFile));
            assertTrue(s.store().blobContent(oldPicture.sha256()).isEmpty());
            assertTrue(s.store().blobContent(newPicture.sha256()).isPresent());
        }
    }
}
