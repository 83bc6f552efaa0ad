package org.understudy.api.spi;

import org.understudy.api.Plugin;

/**
 * A plugin that adds to the gateway without being a store, DNS server, proxy, sink or device profile: a dashboard,
 * an exporter, a maintenance task. Any number run at once; they start after every other kind (the readings, the
 * devices and the traffic they show are served by then) and stop first. Everything an extension does goes through
 * its {@link org.understudy.api.PluginContext}: the read side ({@code queries()}, {@code flowLog()}), web endpoints
 * ({@code web()}), actions, connectivity.
 *
 * @param <C> the configuration record type
 */
public interface Extension<C extends Record> extends Plugin<C> {
}
