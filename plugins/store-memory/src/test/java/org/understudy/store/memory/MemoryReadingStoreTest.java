package org.understudy.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.api.RecordException;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.ReadingQuery;
import org.understudy.api.spi.SeriesPoint;

class MemoryReadingStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Reading reading(String device, int minute, double temperature) {
        Instant t = T0.plus(Duration.ofMinutes(minute));
        return new Reading(device, "test", t, t, Map.of("temperature", MetricValue.of(temperature, "Cel"),
                "state", MetricValue.of("ok")), Map.of());
    }

    @Test
    void sequencesCursorsAndDevices() throws Exception {
        MemoryReadingStore store = new MemoryReadingStore();
        store.record(List.of(reading("a", 0, 1), reading("b", 1, 2), reading("a", 2, 3)));
        assertEquals(3, store.lastSequence());
        List<StoredReading> after1 = store.readAfter(1, 10);
        assertEquals(List.of(2L, 3L), after1.stream().map(StoredReading::sequence).toList());
        assertEquals(1, store.readAfter(0, 1).size());
        assertEquals(0, store.cursor("influx"));
        store.saveCursor("influx", 2);
        assertEquals(2, store.cursor("influx"));
        assertEquals(2, store.devices().size());
        assertEquals(T0, store.devices().get(0).firstSeen());
        assertEquals(T0.plus(Duration.ofMinutes(2)), store.devices().get(0).lastSeen());
        assertEquals(3.0, ((MetricValue.Number) store.latest("a").orElseThrow().metrics().get("temperature")).value());
    }

    @Test
    void seriesRawAndDownsampled() throws Exception {
        MemoryReadingStore store = new MemoryReadingStore();
        for (int m = 0; m < 20; m++) {
            store.record(List.of(reading("a", m, m)));
        }
        ReadingQuery raw = new ReadingQuery("a", "temperature", T0, T0.plus(Duration.ofMinutes(5)), null);
        assertEquals(5, store.series(raw).size());
        ReadingQuery buckets = new ReadingQuery("a", null, T0, T0.plus(Duration.ofMinutes(20)), Duration.ofMinutes(10));
        List<SeriesPoint> points = store.series(buckets);
        assertEquals(List.of(new SeriesPoint("temperature", T0, 0, 9, 4.5, 10),
                new SeriesPoint("temperature", T0.plus(Duration.ofMinutes(10)), 10, 19, 14.5, 10)), points);
    }

    @Test
    void boundsAreEnforced() throws Exception {
        MemoryReadingStore store = new MemoryReadingStore();
        store.reconfigure(new MemoryStoreConfig(2, 1, 10));
        store.record(List.of(reading("a", 0, 1), reading("a", 1, 2), reading("a", 2, 3)));
        assertEquals(List.of(2L, 3L), store.readAfter(0, 10).stream().map(StoredReading::sequence).toList());
        RecordException e = assertThrows(RecordException.class,
                () -> store.storeBlob("a", "test", T0, "image/jpeg", new byte[11]));
        assertEquals("blob of 11 bytes exceeds maxBlobBytes 10", e.getMessage());
        assertEquals(64, store.storeBlob("a", "test", T0, "image/jpeg", new byte[3]).sha256().length());
        assertThrows(IllegalArgumentException.class, () -> new MemoryStoreConfig(0, 1, 1));
    }
}
