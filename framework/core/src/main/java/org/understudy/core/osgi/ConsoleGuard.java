package org.understudy.core.osgi;

import java.util.Hashtable;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.understudy.core.web.AdminCredentials;
import org.understudy.core.web.ConsoleSecurityProvider;

/** Kept apart so that the optional Web Console package is touched only when it is wired. */
final class ConsoleGuard {

    private ConsoleGuard() {
    }

    static ServiceRegistration<?> register(BundleContext context, AdminCredentials credentials) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(SecurityProvider.PROPERTY_ID, ConsoleSecurityProvider.ID);
        return context.registerService(SecurityProvider.class, new ConsoleSecurityProvider(credentials), props);
    }
}
