package org.understudy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;

class RepeatedMeasurementsTest {

    private static Reading reading(String device, long ts, double temperature) {
        return new Reading(device, "bloomsky", Instant.ofEpochSecond(ts), Instant.ofEpochSecond(ts + 3),
                Map.of("temperature", MetricValue.of(temperature, "Cel")), Map.of());
    }

    @Test
    void aStationCycleIsOneReading() {
        RepeatedMeasurements m = new RepeatedMeasurements();
        Reading info = reading("A", 1000, 16.33);
        assertEquals(List.of(info), m.withoutRepeats(List.of(info)));
        m.durable(List.of(info));
        assertEquals(List.of(), m.withoutRepeats(List.of(reading("A", 1000, 16.33))), "the picture's Info");
        assertEquals(List.of(), m.withoutRepeats(List.of(reading("A", 1000, 16.33))), "the weather's Info");
        assertEquals(2L, m.skipped.sum());
        Reading other = reading("B", 1000, 16.33);
        Reading changed = reading("A", 1000, 17.0);
        Reading next = reading("A", 1300, 16.33);
        assertEquals(List.of(other, changed, next), m.withoutRepeats(List.of(other, changed, next)),
                "another station, other values at the same time, the same values later: new measurements");
        assertEquals(List.of(next), m.withoutRepeats(List.of(next, reading("A", 1300, 16.33))), "repeats within one batch");
    }

    @Test
    void aRepeatOfAMeasurementThatWasNotRecordedIsRecorded() {
        RepeatedMeasurements m = new RepeatedMeasurements();
        Reading info = reading("A", 1000, 16.33);
        m.withoutRepeats(List.of(info)); // the store failed (disk full): never durable()
        assertEquals(List.of(info), m.withoutRepeats(List.of(reading("A", 1000, 16.33))));
    }
}
