package org.understudy.api;

/** Data could not be recorded durably; nothing of the failed call was acknowledged. */
public class RecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordException(String message) {
        super(message);
    }

    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
