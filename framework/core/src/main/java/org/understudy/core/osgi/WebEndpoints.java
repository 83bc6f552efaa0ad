package org.understudy.core.osgi;

import jakarta.servlet.Servlet;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.core.PluginRuntime;
import org.understudy.core.web.AdminCredentials;
import org.understudy.core.web.ApiServlet;

/** Registers the REST API servlet (Servlet Whiteboard) and, when the Web Console is there, its guard. */
final class WebEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WebEndpoints.class);

    private final BundleContext context;
    private final PluginRuntime runtime;
    private final AdminCredentials credentials;
    private ServiceRegistration<?> api;
    private ServiceRegistration<?> consoleGuard;

    WebEndpoints(BundleContext context, PluginRuntime runtime, AdminCredentials credentials) {
        this.context = context;
        this.runtime = runtime;
        this.credentials = credentials;
    }

    void open() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/api/*");
        props.put("osgi.http.whiteboard.servlet.name", "understudy-api");
        api = context.registerService(Servlet.class, new ApiServlet(runtime, credentials), props);
        try {
            consoleGuard = ConsoleGuard.register(context, credentials);
        } catch (NoClassDefFoundError noConsole) {
            LOG.info("Felix Web Console is not installed; only /api is served");
        }
    }

    void close() {
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {api, consoleGuard}) {
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // unregistered by the framework while stopping
                }
            }
        }
    }
}
