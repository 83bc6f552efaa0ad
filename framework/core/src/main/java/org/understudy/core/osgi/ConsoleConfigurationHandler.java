package org.understudy.core.osgi;

import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.webconsole.spi.ConfigurationHandler;
import org.apache.felix.webconsole.spi.ValidationException;
import org.understudy.core.PluginRuntime;

/**
 * Checks a Web Console form before the console stores it: a configuration Understudy cannot apply is refused
 * with its reason (shown in the form by {@link ConsoleFormMessages}) and never reaches ConfigAdmin.
 */
final class ConsoleConfigurationHandler implements ConfigurationHandler {

    private final PluginRuntime runtime;

    ConsoleConfigurationHandler(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void updateConfiguration(String factoryPid, String pid, Dictionary<String, Object> properties)
            throws ValidationException {
        if (pid == null || !pid.startsWith("understudy.")) {
            return;
        }
        Map<String, Object> offered = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            offered.put(key, properties.get(key));
        }
        List<String> errors = runtime.check(pid, offered);
        if (!errors.isEmpty()) {
            throw new ValidationException("Not saved: " + String.join("; ", errors));
        }
    }

    @Override
    public void createConfiguration(String pid) {
        // nothing to check until values are saved
    }

    @Override
    public void createFactoryConfiguration(String factoryPid, String name) {
        // Understudy has no factory configurations
    }

    @Override
    public void deleteConfiguration(String factoryPid, String pid) {
        // deleting puts a plugin back to its defaults, which are always valid
    }
}
