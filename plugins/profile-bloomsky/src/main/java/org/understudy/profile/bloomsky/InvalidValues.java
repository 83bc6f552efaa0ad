package org.understudy.profile.bloomsky;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Info values that could not be read as what their field holds ({@code "Temperature":"hot"}): such a value
 * is left out of the reading (the rest of it is kept, and the whole upload stays in its flow), counted and
 * shown in the profile's status. Thread-safe.
 */
final class InvalidValues {

    final LongAdder count = new LongAdder();
    /** The latest one: device, field and what was sent. */
    final AtomicReference<String> last = new AtomicReference<>();

    void seen(String deviceId, String field, String sent) {
        count.increment();
        last.set(deviceId + " " + field + "=" + (sent.length() > 64 ? sent.substring(0, 64) + "..." : sent));
    }
}
