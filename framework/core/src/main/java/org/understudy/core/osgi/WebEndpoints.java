package org.understudy.core.osgi;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.core.PluginRuntime;
import org.understudy.core.web.AdminGate;
import org.understudy.core.web.ApiServlet;

/** Registers the REST API servlet (Servlet Whiteboard) and, when the Web Console is there, its guard. */
final class WebEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WebEndpoints.class);

    private final BundleContext context;
    private final PluginRuntime runtime;
    private final AdminGate gate;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    WebEndpoints(BundleContext context, PluginRuntime runtime, AdminGate gate) {
        this.context = context;
        this.runtime = runtime;
        this.gate = gate;
    }

    void open() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/api/*");
        props.put("osgi.http.whiteboard.servlet.name", "understudy-api");
        registrations.add(context.registerService(Servlet.class, new ApiServlet(runtime, gate), props));
        try {
            registrations.addAll(ConsoleGuard.register(context, gate, runtime));
            Hashtable<String, Object> filter = new Hashtable<>();
            filter.put("osgi.http.whiteboard.filter.pattern", new String[] {"/configMgr", "/configMgr/*"});
            filter.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)");
            registrations.add(context.registerService(Filter.class, new ConsoleFormMessages(), filter));
        } catch (NoClassDefFoundError noConsole) {
            LOG.info("Felix Web Console is not installed; only /api is served");
        }
    }

    void close() {
        for (ServiceRegistration<?> r : registrations) {
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
