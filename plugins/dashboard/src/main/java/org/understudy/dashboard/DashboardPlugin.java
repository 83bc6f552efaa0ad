package org.understudy.dashboard;

import org.understudy.api.PluginContext;
import org.understudy.api.spi.Extension;

/**
 * The dashboard: pages shipped in this jar (no CDN, no external font: it works with the uplink cut), served at
 * {@code /dashboard/} behind the admin login, the admin web's front page. The pages read the REST API
 * ({@code /api/...}) and this plugin's summary, which adds what the API does not say: how fresh each device is
 * against its family's rhythm, how many requests were answered locally since a vendor went down, free disk.
 */
public final class DashboardPlugin implements Extension<DashboardConfig> {

    static final String PATH = "dashboard";

    private volatile Summary summary;

    @Override
    public String id() {
        return "dashboard";
    }

    @Override
    public Class<DashboardConfig> configType() {
        return DashboardConfig.class;
    }

    @Override
    public DashboardConfig defaultConfig() {
        return DashboardConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<DashboardConfig> context) {
        Summary s = new Summary(context, java.time.Clock.systemUTC());
        summary = s;
        context.web().mountHome(PATH, "Dashboard", new DashboardHandler(s));
    }

    @Override
    public boolean reconfigure(DashboardConfig config) {
        Summary s = summary;
        if (s == null) {
            return false;
        }
        s.reconfigure(config);
        return true;
    }

    @Override
    public void stop() {
        summary = null; // the mount ends with the plugin
    }
}
