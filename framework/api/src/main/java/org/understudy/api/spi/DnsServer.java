package org.understudy.api.spi;

import org.understudy.api.Plugin;

/**
 * The DNS server (single-active). Answers the names of {@link org.understudy.api.ProfileDirectory}
 * with the gateway's address and forwards the rest. It opens its listeners in {@code start} on
 * {@link org.understudy.api.PluginContext#netty()} and must release them in {@code stop}: a swap to
 * another implementation binds the same port right after.
 *
 * <p>Name the listener's configuration components {@code port} and {@code host}: the runtime then
 * overrides them from {@code UNDERSTUDY_DNS_PORT} and {@code UNDERSTUDY_DNS_HOST}, whichever implementation
 * is selected.
 */
public interface DnsServer<C extends Record> extends Plugin<C> {
}
