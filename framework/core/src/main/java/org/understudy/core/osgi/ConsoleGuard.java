package org.understudy.core.osgi;

import java.util.Hashtable;
import java.util.List;
import org.apache.felix.webconsole.spi.ConfigurationHandler;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.understudy.core.PluginRuntime;
import org.understudy.core.web.AdminGate;
import org.understudy.core.web.ConsoleSecurityProvider;

/** Kept apart so that the optional Web Console package is touched only when it is wired. */
final class ConsoleGuard {

    private ConsoleGuard() {
    }

    /** The console's guard and the check of its configuration forms. */
    static List<ServiceRegistration<?>> register(BundleContext context, AdminGate gate, PluginRuntime runtime) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(SecurityProvider.PROPERTY_ID, ConsoleSecurityProvider.ID);
        return List.of(context.registerService(SecurityProvider.class, new ConsoleSecurityProvider(gate), props),
                context.registerService(ConfigurationHandler.class, new ConsoleConfigurationHandler(runtime), new Hashtable<>()));
    }
}
