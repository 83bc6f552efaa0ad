package org.understudy.launcher;

import java.util.logging.LogManager;

/**
 * A LogManager that ignores the JDK's own reset at JVM shutdown, so that what the runtime logs while it
 * shuts down (after SIGTERM) still reaches stdout and the log file. Selected with
 * {@code -Djava.util.logging.manager=org.understudy.launcher.ShutdownSafeLogManager} (bin/understudy).
 */
public final class ShutdownSafeLogManager extends LogManager {

    private volatile boolean configured;

    @Override
    public void reset() {
        if (!configured) {
            super.reset();
        }
    }

    /** Drops the JDK defaults once; later resets (the shutdown hook's) are ignored. */
    void configureOnce() {
        super.reset();
        configured = true;
    }
}
