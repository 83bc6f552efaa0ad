package org.understudy.it;

import java.nio.file.Path;
import javax.inject.Inject;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/** What every Pax Exam IT of the gateway uses: the framework, ConfigAdmin, the admin web and the directories. */
abstract class GatewayTestSupport {

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    protected GatewayClient client() {
        return new GatewayClient(Integer.parseInt(context.getProperty("org.osgi.service.http.port")), "admin",
                DistributionOptions.ADMIN_PASSWORD);
    }

    protected Path bundles() {
        return Path.of(context.getProperty("understudy.bundles"));
    }

    protected Path conf(String pid) {
        return Path.of(context.getProperty("understudy.conf")).resolve(pid + ".cfg");
    }

    protected Path data() {
        return Path.of(context.getProperty("understudy.data"));
    }
}
