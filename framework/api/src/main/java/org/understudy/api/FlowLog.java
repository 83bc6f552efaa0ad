package org.understudy.api;

import java.util.List;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;

/**
 * Recorded exchanges read back from the active store, in the order they were recorded, with durable
 * named cursors to keep one's place (a proxy re-sending the uploads it answered for while its backend
 * was down). Cursors are the caller's own: they never hold back the retention of flows, and a flow
 * retention deleted is simply not returned.
 *
 * <p>Every method may block on disk: call them from blocking-work threads. Thread-safe.
 */
public interface FlowLog {

    /**
     * Flows with an id above {@code afterId} for {@code host} ({@code null}: any host) that were
     * answered with {@code outcome}, oldest first, at most {@code max}.
     *
     * @throws RecordException no store is running, or it cannot read flows back
     */
    List<StoredFlow> after(long afterId, String host, Flow.Outcome outcome, int max) throws RecordException;

    /**
     * The bytes of a recorded body, whether kept inline or as a blob.
     *
     * @throws RecordException the body was not kept (too large when recorded, or its blob is gone)
     */
    byte[] content(Flow.Body body) throws RecordException;

    /** The cursor named {@code name}: the last flow id saved under it, 0 when never saved. */
    long cursor(String name) throws RecordException;

    /** Moves the cursor named {@code name} durably. */
    void saveCursor(String name, long flowId) throws RecordException;
}
