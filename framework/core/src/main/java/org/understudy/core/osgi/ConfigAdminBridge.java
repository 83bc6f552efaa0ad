package org.understudy.core.osgi;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.core.ConfigBinder;
import org.understudy.core.ConfigSchema;
import org.understudy.core.DiscoveredPlugin;
import org.understudy.core.PluginRuntime;

/**
 * Connects ConfigAdmin to the runtime: one ManagedService (that is also the MetaTypeProvider the Web
 * Console builds its form from) per configuration pid. An invalid dictionary is rejected and the stored
 * configuration is put back to the last accepted one, so what ConfigAdmin persists is always valid.
 */
final class ConfigAdminBridge implements PluginRuntime.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminBridge.class);

    private final BundleContext context;
    private final PluginRuntime runtime;
    private final ConfigurationAdmin configAdmin;
    private final Map<String, ServiceRegistration<?>> registrations = new ConcurrentHashMap<>();

    ConfigAdminBridge(BundleContext context, PluginRuntime runtime, ConfigurationAdmin configAdmin) {
        this.context = context;
        this.runtime = runtime;
        this.configAdmin = configAdmin;
    }

    /** Feeds every stored {@code understudy.*} configuration to the runtime before any plugin starts. */
    void preload() {
        try {
            Configuration[] all = configAdmin.listConfigurations("(service.pid=understudy.*)");
            if (all != null) {
                for (Configuration c : all) {
                    if ("?".equals(c.getBundleLocation())) {
                        // stored by an earlier version with the multi-location "?", which the Web Console shows as
                        // an error on every form: unbound now, bound to the runtime when it registers the pid
                        c.setBundleLocation(null);
                    }
                    if (c.getProperties() != null) {
                        runtime.configure(c.getPid(), toMap(c.getProperties()));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("cannot read stored configurations", e);
        }
    }

    /** The stored configuration of {@code pid}, or {@code null}; for plugins that just appeared. */
    Map<String, Object> stored(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found[0].getProperties() == null ? null : toMap(found[0].getProperties());
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("cannot read stored configuration {}", pid, e);
            return null;
        }
    }

    /**
     * Stores {@code values} as the configuration of {@code pid} in ConfigAdmin (a restored snapshot): it survives a
     * restart like a console save, and reaches the runtime through the pid's ManagedService.
     */
    void store(String pid, Map<String, Object> values) {
        try {
            configAdmin.getConfiguration(pid, null).update(new Hashtable<>(values));
        } catch (IOException e) {
            throw new IllegalStateException("cannot store the configuration of " + pid + ": " + e.getMessage(), e);
        }
    }

    void register(String pid, ConfigSchema schema) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, pid);
        props.put(MetaTypeProvider.METATYPE_PID, pid);
        props.put(Constants.SERVICE_DESCRIPTION, "Understudy configuration " + pid);
        ServiceRegistration<?> old = registrations.put(pid, context.registerService(
                new String[] {ManagedService.class.getName(), MetaTypeProvider.class.getName()},
                new PidService(pid, schema), props));
        if (old != null) {
            old.unregister();
        }
    }

    @Override
    public void pluginAdded(DiscoveredPlugin plugin, ConfigSchema schema) {
        register(plugin.pid(), schema);
    }

    @Override
    public void pluginRemoved(DiscoveredPlugin plugin) {
        ServiceRegistration<?> r = registrations.remove(plugin.pid());
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the core bundle is stopping and took its registrations with it
            }
        }
    }

    void close() {
        registrations.values().forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the framework
            }
        });
        registrations.clear();
    }

    private final class PidService implements ManagedService, MetaTypeProvider {
        private final String pid;
        private final ConfigSchema schema;

        PidService(String pid, ConfigSchema schema) {
            this.pid = pid;
            this.schema = schema;
        }

        @Override
        public void updated(Dictionary<String, ?> properties) {
            Map<String, Object> offered = properties == null ? null : toMap(properties);
            ConfigBinder.Result<?> result = runtime.configure(pid, offered);
            if (!result.valid() && !result.errors().isEmpty()) {
                revert(offered); // the runtime has reported it (status and one log line)
            }
        }

        /**
         * Puts the last accepted configuration back into ConfigAdmin, so what is persisted is valid. Only when
         * there is one that differs: putting back the rejected one would be offered again, rejected again, for
         * ever; and without an accepted one the user's stored values stay, for them to correct.
         */
        private void revert(Map<String, Object> rejected) {
            var accepted = runtime.acceptedConfiguration(pid);
            if (accepted.isEmpty() || accepted.get().isEmpty() || withoutMeta(accepted.get()).equals(withoutMeta(rejected))) {
                return;
            }
            try {
                configAdmin.getConfiguration(pid, null).update(new Hashtable<>(accepted.get()));
                LOG.warn("configuration {} put back to the last accepted values", pid);
            } catch (IOException e) {
                LOG.error("cannot put configuration {} back", pid, e);
            }
        }

        @Override
        public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
            // built at each request: the last rejection and the environment overrides are shown as they are now
            return pid.equals(id) ? new SchemaDefinition(pid, schema, runtime.notes(pid)) : null;
        }

        @Override
        public String[] getLocales() {
            return null;
        }
    }

    /** A configuration without ConfigAdmin's own keys (service.pid, ...), for comparing what the user set. */
    private static Map<String, Object> withoutMeta(Map<String, Object> properties) {
        Map<String, Object> out = new HashMap<>();
        if (properties != null) {
            properties.forEach((k, v) -> {
                if (!k.startsWith("service.") && !k.startsWith("felix.")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    static Map<String, Object> toMap(Dictionary<String, ?> dictionary) {
        Map<String, Object> map = new HashMap<>();
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, dictionary.get(key));
        }
        return map;
    }
}
