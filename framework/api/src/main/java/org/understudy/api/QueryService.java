package org.understudy.api;

import java.util.List;
import java.util.Optional;
import org.understudy.api.model.Device;
import org.understudy.api.model.Reading;

/**
 * What is stored, read back: the one read side that the REST API and every plugin use. Reads the active
 * store; thread-safe; the methods may block on disk (call them from a blocking thread, never from an event
 * loop) and are cheap enough to call per request of a user, not per reading.
 */
public interface QueryService {

    /** Every device the store knows, in registry order. Empty when no store runs. */
    List<Device> devices();

    /** The most recent reading of {@code deviceId} (highest sequence), if any. */
    Optional<Reading> latest(String deviceId);

    /** The highest sequence recorded so far (0 when nothing is, or no store runs). */
    long lastSequence();

    /** How far sink {@code sinkId} has delivered: the last sequence it acknowledged (0 when new or no store runs). */
    long sinkCursor(String sinkId);
}
