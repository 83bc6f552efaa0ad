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
        context.web().mountHome(PATH, "Dashboard", new DashboardHandler(new Summary(context, java.time.Clock.systemUTC())));
    }

    /** Applied in place: the summary reads the configuration in force at every refresh. */
    @Override
    public boolean reconfigure(DashboardConfig config) {
        return true;
    }

    @Override
    public void stop() {
        // the mount ends with the plugin
    }
}
