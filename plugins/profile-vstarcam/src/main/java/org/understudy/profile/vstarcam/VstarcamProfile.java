package org.understudy.profile.vstarcam;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.model.Quantity;
import org.understudy.api.spi.DeviceActions;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.LanDriver;

/**
 * The VStarCam profile (id {@code vstarcam}): cameras whose owner's app reaches them only through the vendor's P2P
 * servers, kept in a PPPP LAN session by the gateway (the {@link CameraDriver}) and photographed over HTTP while that
 * cloud is gone. The P2P server names known to be looked up by some UIDs' cameras are claimed, so that the DNS plugin
 * answers them with the gateway and the attempts are counted on {@code cloudPort} instead of leaving the LAN (most
 * UIDs' server lists are IP addresses, which DNS cannot keep; see docs/VSTARCAM.md).
 */
public final class VstarcamProfile implements DeviceProfile<VstarcamConfig> {

    /**
     * P2P server names: s2.vstarcam.com, s3.vstarcam.com and s2.eye4.cn seen looked up by a VSTB camera (a capture in
     * the "VStarCam investigational journey" blog, part 4); the VSTB/VSTC and VSTA server strings of VStarCam's app
     * SDK (vstarcam/as_cam) decode to s2.eye4.cn and s3.vstarcam.com, and to vsta-p2p-2.vstarcam.com and
     * vsta-p2p-2.eye4.cn.
     */
    static final List<HostPattern> P2P_SERVERS = List.of(HostPattern.of("s2.vstarcam.com"), HostPattern.of("s3.vstarcam.com"),
            HostPattern.of("s2.eye4.cn"), HostPattern.of("vsta-p2p-2.vstarcam.com"), HostPattern.of("vsta-p2p-2.eye4.cn"));
    static final List<MetricInfo> METRICS = List.of(
            new MetricInfo("online", Quantity.CONNECTIVITY, "", "The camera is in a LAN session with the gateway"),
            new MetricInfo("keepalive_rtt", Quantity.DURATION, "ms", "Round trip of the gateway's keepalive to the camera (median since the last reading)"));

    private volatile VstarcamConfig config = VstarcamConfig.DEFAULTS;
    private volatile CameraDriver driver;
    private volatile VstarcamActions actions;

    @Override
    public String id() {
        return CameraDriver.PROFILE;
    }

    @Override
    public Class<VstarcamConfig> configType() {
        return VstarcamConfig.class;
    }

    @Override
    public VstarcamConfig defaultConfig() {
        return VstarcamConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<VstarcamConfig> context) {
        config = context.config();
        driver = new CameraDriver(context, Clock.systemUTC());
        actions = new VstarcamActions(driver);
    }

    @Override
    public void stop() {
        // the driver is stopped by the runtime before this; its sockets and timers are closed there
    }

    @Override
    public boolean reconfigure(VstarcamConfig next) {
        return false; // new cameras, ports or timing: started again with them (a session is found again within seconds)
    }

    /** The P2P server names, while their attempts are counted ({@code cloudPort} set). */
    @Override
    public List<HostPattern> interceptedHosts() {
        return config.cloudPort() > 0 ? P2P_SERVERS : List.of();
    }

    @Override
    public Map<String, List<MetricInfo>> metrics() {
        return Map.of(CameraDriver.PROFILE, METRICS);
    }

    /** A camera in session is recorded every {@code readingInterval}. */
    @Override
    public Map<String, Duration> expectedIntervals() {
        return Map.of(CameraDriver.PROFILE, config.readingInterval());
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
        CameraDriver d = driver;
        return d == null ? Map.of() : d.status();
    }
}
