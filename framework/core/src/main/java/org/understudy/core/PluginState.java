package org.understudy.core;

/** Where a plugin is in its lifecycle, as shown by {@code /api/status}. */
public enum PluginState {
    /** Found, not started yet. */
    INSTALLED,
    /** start() is running. */
    STARTING,
    /** Running. */
    ACTIVE,
    /** A single-active kind whose other implementation is selected. */
    STANDBY,
    /** Could not be loaded, configured or started; see the error. */
    FAILED,
    /** Stopped (being withdrawn, or the runtime is shutting down). */
    STOPPED
}
