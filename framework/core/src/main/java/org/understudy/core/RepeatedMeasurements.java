package org.understudy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.understudy.api.model.Reading;

/**
 * One measurement is one reading. Devices repeat a measurement (a Bloomsky station sends the same
 * {@code Info} with each of the three requests of its cycle), so a reading equal to the last one recorded
 * durably for its device (same profile, time, metrics and tags) is not recorded again. Only what was durably
 * recorded counts: a repeat of a measurement whose recording failed is recorded. Thread-safe; remembers the
 * last reading of at most {@link #MAX_DEVICES} devices (past it, it starts over: at worst a repeat right
 * after is recorded once more, as after a restart).
 */
final class RepeatedMeasurements {

    static final int MAX_DEVICES = 100_000;

    private record Device(String id, String profile) {}

    private final Map<Device, Reading> lastDurable = new ConcurrentHashMap<>();
    final LongAdder skipped = new LongAdder();

    /**
     * {@code readings} without those that repeat their device's last one: the last durable, or the one before
     * it in {@code readings}. Linear in the batch (a sink's backlog is recorded in batches of thousands).
     */
    List<Reading> withoutRepeats(List<Reading> readings) {
        List<Reading> out = null;
        Map<Device, Reading> lastInBatch = readings.size() > 1 ? new java.util.HashMap<>() : null;
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            Device device = new Device(r.deviceId(), r.profile());
            Reading before = lastInBatch == null ? null : lastInBatch.put(device, r);
            boolean repeat = same(before != null ? before : lastDurable.get(device), r);
            if (repeat) {
                skipped.increment();
                if (out == null) {
                    out = new ArrayList<>(readings.subList(0, i));
                }
            } else if (out != null) {
                out.add(r);
            }
        }
        return out == null ? readings : out;
    }

    /** {@code readings} are durable now. */
    void durable(List<Reading> readings) {
        if (lastDurable.size() > MAX_DEVICES) {
            lastDurable.clear();
        }
        for (Reading r : readings) {
            lastDurable.put(new Device(r.deviceId(), r.profile()), r);
        }
    }

    private static boolean same(Reading a, Reading b) {
        return a != null && a.deviceId().equals(b.deviceId()) && a.profile().equals(b.profile()) && a.time().equals(b.time())
                && a.metrics().equals(b.metrics()) && a.tags().equals(b.tags());
    }
}
