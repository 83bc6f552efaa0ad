package org.understudy.api;

import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.DnsServer;
import org.understudy.api.spi.Extension;
import org.understudy.api.spi.ReadingStore;
import org.understudy.api.spi.Sink;
import org.understudy.api.spi.TrafficProxy;

/**
 * The kinds of plugin, one per SPI interface. Exactly one implementation of a single-active kind runs
 * at a time, chosen by the runtime configuration; every installed plugin of the other kinds runs.
 */
public enum PluginKind {
    DNS_SERVER(DnsServer.class, true, "dnsServer", "UNDERSTUDY_DNS"),
    TRAFFIC_PROXY(TrafficProxy.class, true, "trafficProxy", "UNDERSTUDY_PROXY"),
    READING_STORE(ReadingStore.class, true, "readingStore", null),
    SINK(Sink.class, false, null, null),
    DEVICE_PROFILE(DeviceProfile.class, false, null, null),
    EXTENSION(Extension.class, false, null, null);

    private final Class<?> spi;
    private final boolean singleActive;
    private final String selectorProperty;
    private final String listenerEnvironment;

    PluginKind(Class<?> spi, boolean singleActive, String selectorProperty, String listenerEnvironment) {
        this.spi = spi;
        this.singleActive = singleActive;
        this.selectorProperty = selectorProperty;
        this.listenerEnvironment = listenerEnvironment;
    }

    /** The SPI interface whose {@code META-INF/services} file registers plugins of this kind. */
    public Class<?> spi() {
        return spi;
    }

    /** Whether only the selected implementation of this kind runs. */
    public boolean singleActive() {
        return singleActive;
    }

    /**
     * For a single-active kind, the property of the runtime configuration (pid
     * {@code understudy.runtime}) that names the selected plugin id; {@code null} otherwise.
     */
    public String selectorProperty() {
        return selectorProperty;
    }

    /**
     * For kinds that listen on the LAN, the prefix of the environment variables that override their
     * listener whatever implementation runs: {@code <prefix>_PORT} overrides the configuration component
     * named {@code port}, {@code <prefix>_HOST} the one named {@code host} (unless the component names
     * its own {@link EnvOverride}). {@code null} for other kinds.
     */
    public String listenerEnvironment() {
        return listenerEnvironment;
    }
}
