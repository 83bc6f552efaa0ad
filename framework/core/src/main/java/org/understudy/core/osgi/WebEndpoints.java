package org.understudy.core.osgi;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.understudy.core.WebMounts;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.core.PluginRuntime;
import org.understudy.core.web.AdminGate;
import org.understudy.core.web.ApiServlet;
import org.understudy.core.web.MetricsServlet;

/** Registers the REST API, /metrics and /health servlets (Servlet Whiteboard) and, when the Web Console is there, its guard. */
final class WebEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WebEndpoints.class);

    private final BundleContext context;
    private final PluginRuntime runtime;
    private final AdminGate gate;
    private final String metricsToken;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /** @param metricsToken the token that opens {@code /metrics} besides the admin login; null or blank for none */
    WebEndpoints(BundleContext context, PluginRuntime runtime, AdminGate gate, String metricsToken) {
        this.context = context;
        this.metricsToken = metricsToken;
        this.runtime = runtime;
        this.gate = gate;
    }

    /** Per mounted plugin endpoint: its servlet's registration. */
    private final Map<String, ServiceRegistration<?>> mounted = new java.util.concurrent.ConcurrentHashMap<>();
    private org.understudy.api.Subscription mountListener;

    void open() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/api/*");
        props.put("osgi.http.whiteboard.servlet.name", "understudy-api");
        registrations.add(context.registerService(Servlet.class, new ApiServlet(runtime, gate), props));
        Hashtable<String, Object> metrics = new Hashtable<>();
        metrics.put("osgi.http.whiteboard.servlet.pattern", "/metrics");
        metrics.put("osgi.http.whiteboard.servlet.name", "understudy-metrics");
        registrations.add(context.registerService(Servlet.class, new MetricsServlet(runtime.metrics(), gate, metricsToken), metrics));
        Hashtable<String, Object> health = new Hashtable<>();
        health.put("osgi.http.whiteboard.servlet.pattern", "/health");
        health.put("osgi.http.whiteboard.servlet.name", "understudy-health");
        registrations.add(context.registerService(Servlet.class, new org.understudy.core.web.HealthServlet(runtime), health));
        Hashtable<String, Object> root = new Hashtable<>();
        root.put("osgi.http.whiteboard.servlet.pattern", "/");
        root.put("osgi.http.whiteboard.servlet.name", "understudy-root");
        registrations.add(context.registerService(Servlet.class, new RootRedirect(runtime.webMounts()), root));
        try {
            registrations.addAll(ConsoleGuard.register(context, gate, runtime));
            Hashtable<String, Object> filter = new Hashtable<>();
            filter.put("osgi.http.whiteboard.filter.pattern", new String[] {"/configMgr", "/configMgr/*"});
            filter.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)");
            registrations.add(context.registerService(Filter.class, new ConsoleFormMessages(), filter));
        } catch (NoClassDefFoundError noConsole) {
            LOG.info("Felix Web Console is not installed; only /api is served");
        }
        Hashtable<String, Object> tab = new Hashtable<>();
        tab.put("felix.webconsole.label", ConsoleTab.LABEL);
        tab.put("felix.webconsole.title", "Understudy");
        registrations.add(context.registerService(Servlet.class, new ConsoleTab(runtime), tab));
        mountListener = runtime.webMounts().addListener(new WebMounts.Listener() {
            @Override
            public void mounted(WebMounts.Mount m) {
                Hashtable<String, Object> p = new Hashtable<>();
                p.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/" + m.path(), "/" + m.path() + "/*"});
                p.put("osgi.http.whiteboard.servlet.name", "understudy-" + m.path());
                mounted.put(m.path(), context.registerService(Servlet.class, new MountServlet(m, gate), p));
                LOG.info("plugin {} serves /{}/ ({})", m.pluginId(), m.path(), m.title());
            }

            @Override
            public void unmounted(WebMounts.Mount m) {
                ServiceRegistration<?> r = mounted.remove(m.path());
                if (r != null) {
                    try {
                        r.unregister();
                    } catch (IllegalStateException alreadyGone) {
                        // the framework is stopping
                    }
                    LOG.info("plugin {} no longer serves /{}/", m.pluginId(), m.path());
                }
            }
        });
    }

    void close() {
        if (mountListener != null) {
            mountListener.close();
        }
        mounted.values().forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        });
        mounted.clear();
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
