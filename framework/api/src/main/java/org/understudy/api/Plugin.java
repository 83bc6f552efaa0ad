package org.understudy.api;

import java.util.Map;

/**
 * A plugin: one implementation of one SPI interface ({@link PluginKind}).
 *
 * <p><b>Lifecycle.</b> The runtime creates the instance through its public no-argument constructor,
 * then calls {@link #start}, any number of {@link #reconfigure} calls, and {@link #stop}, at most once
 * per start. It never calls two of these concurrently for one plugin and calls them all from its own
 * lifecycle thread, so they must not block on the network: open sockets on the event loops of
 * {@link PluginContext#netty()} and hand longer work to {@link PluginContext#scheduler()}.
 * An instance that has been stopped is discarded; a restart creates a new instance.
 *
 * <p><b>Configuration.</b> Each plugin declares a record type {@code C}. The runtime maps the
 * configuration dictionary with pid {@code "understudy." + id()} (from {@code conf/<pid>.cfg} or the
 * Web Console) onto that record, component by component; names, types and defaults come from the
 * record and {@link #defaultConfig()}, descriptions from {@link Description}. The record's canonical
 * constructor validates: throwing {@link IllegalArgumentException} rejects the new configuration and
 * the previous one stays in force.
 *
 * @param <C> the configuration record type
 */
public interface Plugin<C extends Record> {

    /**
     * Stable identifier: lowercase letters, digits and '-', unique among installed plugins; also the
     * name used to select a single-active implementation. Must be constant for the class.
     */
    String id();

    /** The configuration record type; the runtime derives the configuration form from it. */
    Class<C> configType();

    /** The configuration used for every property that is not configured. */
    C defaultConfig();

    /**
     * Starts the plugin with its current configuration. Returns once the plugin is serving or has
     * scheduled what it needs; must not block for more than a moment.
     *
     * @throws Exception the plugin cannot start; it is reported as FAILED with the message and
     *     everything it registered with {@link PluginContext#own} is closed
     */
    void start(PluginContext<C> context) throws Exception;

    /**
     * Applies a new, already validated configuration. Return {@code true} when it was applied in place;
     * the default returns {@code false}, which makes the runtime stop this instance and start a new
     * one with the new configuration.
     */
    default boolean reconfigure(C config) throws Exception {
        return false;
    }

    /**
     * Stops the plugin: close listeners, cancel work. Must not throw and must return promptly; the
     * runtime then closes whatever is still registered with {@link PluginContext#own} and cancels the
     * plugin's scheduled tasks.
     */
    void stop();

    /**
     * Plugin-specific figures for {@code /api/status} (counters, backlog, last error). Values must be
     * JSON-friendly: numbers, strings, booleans, lists and maps of them. Called from HTTP threads,
     * concurrently with everything else, so it must be thread-safe and cheap.
     */
    default Map<String, Object> status() {
        return Map.of();
    }
}
