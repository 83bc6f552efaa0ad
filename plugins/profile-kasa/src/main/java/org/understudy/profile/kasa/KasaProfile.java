package org.understudy.profile.kasa;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.Quantity;
import org.understudy.api.spi.DeviceActions;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.LanDriver;

/**
 * The Kasa profile (id {@code kasa}): TP-Link plugs on the legacy local protocol, kept useful on the LAN while
 * their cloud is gone. The plugs' cloud link is pinned TLS and cannot be impersonated: its hosts are passed
 * through untouched on 443 and 50443 while they answer, and refused at once while they do not; the firmware
 * download host is refused (see {@link FirmwareRefusal}). Everything else is the {@link KasaDriver}'s.
 */
public final class KasaProfile implements DeviceProfile<KasaConfig> {

    /** TP-Link's device cloud (PROTOCOLS.md 4.3): older firmware, newer firmware, regional. */
    static final List<HostPattern> CLOUD = List.of(HostPattern.of("devs.tplinkcloud.com"), HostPattern.of("n-devs.tplinkcloud.com"),
            HostPattern.of("*-devs.tplinkcloud.com"));
    /** The plugs' legacy cloud port, besides 443. */
    static final int CLOUD_PORT = 50443;
    static final List<MetricInfo> METRICS = List.of(
            new MetricInfo("relay", Quantity.POWER_STATE, "", "Relay on (power to the socket)"),
            new MetricInfo("on_time", Quantity.DURATION, "s", "Time since the relay was switched on"),
            new MetricInfo("rssi", Quantity.SIGNAL_STRENGTH, "dBm", "Wi-Fi signal"),
            new MetricInfo("led", Quantity.OTHER, "", "Status LED on"),
            new MetricInfo("online", Quantity.CONNECTIVITY, "", "The plug answers on the LAN"),
            new MetricInfo("power", Quantity.POWER, "W", "Power drawn"),
            new MetricInfo("voltage", Quantity.VOLTAGE, "V", "Mains voltage"),
            new MetricInfo("current", Quantity.CURRENT, "A", "Current drawn"),
            new MetricInfo("energy", Quantity.ENERGY, "kWh", "Energy used since the meter was last reset"));

    private volatile KasaConfig config = KasaConfig.DEFAULTS;
    private volatile KasaDriver driver;
    private volatile KasaActions actions;
    private final FirmwareRefusal firmware = new FirmwareRefusal();

    @Override
    public String id() {
        return KasaDriver.PROFILE;
    }

    @Override
    public Class<KasaConfig> configType() {
        return KasaConfig.class;
    }

    @Override
    public KasaConfig defaultConfig() {
        return KasaConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<KasaConfig> context) {
        config = context.config();
        driver = new KasaDriver(context, Clock.systemUTC());
        actions = new KasaActions(driver);
    }

    @Override
    public void stop() {
        // the driver is stopped by the runtime before this; its channels and timers are the context's
    }

    @Override
    public boolean reconfigure(KasaConfig next) {
        return false; // a new plug list, interval or discovery: started again with it (the plugs answer within a poll)
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return config.blockFirmwareUpdates() ? List.of(HostPattern.of(FirmwareRefusal.HOST)) : List.of();
    }

    @Override
    public Optional<HttpInterceptor> httpInterceptor() {
        return config.blockFirmwareUpdates() ? Optional.of(firmware) : Optional.empty();
    }

    @Override
    public List<HostPattern> passThroughHosts() {
        return CLOUD;
    }

    @Override
    public List<Integer> passThroughPorts() {
        return List.of(CLOUD_PORT);
    }

    @Override
    public Map<String, List<MetricInfo>> metrics() {
        return Map.of(KasaDriver.PROFILE, METRICS);
    }

    /** A plug is polled every {@code pollInterval}. */
    @Override
    public Map<String, java.time.Duration> expectedIntervals() {
        return Map.of(KasaDriver.PROFILE, config.pollInterval());
    }

    @Override
    public Optional<DeviceActions> actions() {
        return Optional.ofNullable(actions);
    }

    @Override
    public Optional<LanDriver> lanDriver() {
        return Optional.ofNullable(driver);
    }

    @Override
    public Map<String, Object> status() {
        KasaDriver d = driver;
        return d == null ? Map.of() : d.status();
    }
}
