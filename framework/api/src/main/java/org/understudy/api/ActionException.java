package org.understudy.api;

/**
 * An action that could not be done, and why; the REST API answers with the status that fits its kind.
 */
public class ActionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an action was not done. */
    public enum Kind {
        /** No device with that id is known (404). */
        UNKNOWN_DEVICE,
        /** The device offers no action of that name (404). */
        UNKNOWN_ACTION,
        /** A parameter is missing, unknown or of the wrong type (400). */
        BAD_PARAMETERS,
        /** The device could not be reached, or did not answer in time (504). */
        UNREACHABLE,
        /** The device answered, but refused or failed (502). */
        FAILED
    }

    private final Kind kind;

    public ActionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ActionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
