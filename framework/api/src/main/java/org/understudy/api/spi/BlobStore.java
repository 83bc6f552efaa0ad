package org.understudy.api.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.understudy.api.RecordException;
import org.understudy.api.model.Blob;

/**
 * A store's pictures (and other binary objects): a capability a {@link ReadingStore} may have. Same threading
 * as the store: thread-safe, blocking, never on an event loop.
 */
public interface BlobStore {

    /**
     * Keeps content under its SHA-256, durably (the same content is kept once however often it is stored), and
     * links it to a device and a time.
     *
     * @return the stored object's metadata
     */
    Blob storeBlob(String deviceId, String profile, Instant time, String contentType, byte[] content) throws RecordException;

    /** The content of a stored object, if it is (still) kept. Reads it whole: objects are pictures, a few MB. */
    Optional<byte[]> blobContent(String sha256);

    /** The metadata of a stored object, if it is kept. */
    Optional<Blob> blob(String sha256);

    /**
     * A device's pictures in {@code [from, to)}, oldest first, at most {@code max}, starting after {@code after}
     * (a page's last one: its time and hash; {@code null} from the start). Indexed by device and time.
     */
    List<Blob> pictures(String deviceId, Instant from, Instant to, Blob after, int max);
}
