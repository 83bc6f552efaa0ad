package org.understudy.api;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one way an error is described for a person (status entries, last errors): its type and message. */
public final class Errors {

    private Errors() {
    }

    /** What a failed future failed with: the cause a {@link CompletionException} wraps, else {@code t} itself. */
    public static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /**
     * {@code Type: message} of the error that matters: wrappers (a failed future's, a reflective call's) and
     * causes without a message of their own are looked through; just {@code Type} when there is no message.
     */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
                || root instanceof CompletionException || root instanceof ExecutionException
                || root instanceof InvocationTargetException)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + message;
    }
}
