package org.understudy.api.spi;

/**
 * Thrown by {@link Sink#deliver} when the destination refuses a reading permanently (for example HTTP
 * 400 for a malformed point). Everything before {@link #sequence()} counts as delivered.
 */
public class RejectedReadingException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long sequence;

    public RejectedReadingException(long sequence, String reason) {
        super(reason);
        this.sequence = sequence;
    }

    /** The store sequence of the refused reading. */
    public long sequence() {
        return sequence;
    }
}
