package org.understudy.api.spi;

import org.understudy.api.Plugin;

/**
 * The traffic proxy (single-active). Routes device HTTP and TLS traffic to the profile that claims the
 * host, forwards it while the backend is reachable and lets the profile impersonate the backend when it
 * is not. Like {@link DnsServer}, it must release its listeners in {@code stop}.
 *
 * <p>Name the listener's configuration components {@code port} and {@code host}: the runtime then
 * overrides them from {@code UNDERSTUDY_PROXY_PORT} and {@code UNDERSTUDY_PROXY_HOST}, whichever implementation
 * is selected.
 */
public interface TrafficProxy<C extends Record> extends Plugin<C> {
}
