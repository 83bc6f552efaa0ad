package org.understudy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.understudy.api.Plugin;
import org.understudy.api.PluginKind;

/** Discovery outside OSGi: {@link ServiceLoader} over a class loader, one lookup per plugin kind. */
public final class ClasspathPlugins {

    private ClasspathPlugins() {
    }

    public static List<DiscoveredPlugin> discover(ClassLoader loader) {
        List<DiscoveredPlugin> found = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            ServiceLoader<?> services = ServiceLoader.load(kind.spi(), loader);
            services.stream().forEach(provider -> {
                Plugin<?> prototype = (Plugin<?>) provider.get();
                found.add(new DiscoveredPlugin(kind, prototype, () -> (Plugin<?>) provider.get(),
                        PluginOrigin.CLASSPATH));
            });
        }
        return found;
    }
}
