package org.understudy.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The launcher's settings: {@code conf/launcher.properties} (framework properties: listen address of the
 * admin web, admin user, log level, ...), overridden by environment variables, with paths resolved
 * against the installation directory.
 */
final class LauncherConfig {

    /** Environment variables that override launcher properties. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "UNDERSTUDY_DATA", "understudy.data",
            "UNDERSTUDY_CACHE", "understudy.cache",
            "UNDERSTUDY_WEB_HOST", "org.apache.felix.http.host",
            "UNDERSTUDY_WEB_PORT", "org.osgi.service.http.port",
            "UNDERSTUDY_ADMIN_USER", "understudy.admin.user",
            "UNDERSTUDY_LOG_LEVEL", "understudy.log.level",
            "UNDERSTUDY_LOG_FILE", "understudy.log.file");

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("org.apache.felix.http.host", "127.0.0.1"),
            Map.entry("org.osgi.service.http.port", "8080"),
            Map.entry("understudy.data", "data"),
            Map.entry("understudy.cache", "cache"),
            Map.entry("understudy.conf", "conf"),
            Map.entry("understudy.bundles", "bundles"),
            Map.entry("understudy.system", "system"),
            Map.entry("understudy.log.level", "INFO"),
            Map.entry("understudy.log.file", "true"),
            Map.entry("understudy.log.maxFileBytes", String.valueOf(4 * 1024 * 1024)),
            Map.entry("understudy.log.maxFiles", "31"),
            Map.entry("understudy.log.maxAgeDays", "30"));

    private final Path home;
    private final Map<String, String> properties;

    private LauncherConfig(Path home, Map<String, String> properties) {
        this.home = home;
        this.properties = properties;
    }

    static LauncherConfig load(Path home, Function<String, String> env) throws IOException {
        Map<String, String> props = new LinkedHashMap<>(DEFAULTS);
        Path file = home.resolve("conf").resolve("launcher.properties");
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        }
        ENVIRONMENT.forEach((variable, property) -> {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                props.put(property, value.trim());
            }
        });
        String port = props.get("org.osgi.service.http.port");
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("admin web port must be a number from 0 to 65535"
                    + " (org.osgi.service.http.port or UNDERSTUDY_WEB_PORT), got '" + port + "'");
        }
        for (String key : new String[] {"understudy.data", "understudy.cache", "understudy.conf", "understudy.bundles", "understudy.system"}) {
            props.put(key, home.resolve(props.get(key)).toAbsolutePath().normalize().toString());
        }
        props.put("understudy.home", home.toString());
        return new LauncherConfig(home, props);
    }

    Path home() {
        return home;
    }

    Path path(String key) {
        return Path.of(properties.get(key));
    }

    /** A whole-number property; a clear error naming it when it is not one. */
    long getLong(String key) {
        String v = get(key).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
    }

    String get(String key) {
        return properties.get(key);
    }

    /** All properties, to be passed to the framework. */
    Map<String, String> all() {
        return properties;
    }
}
