package org.understudy.core.osgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Framework properties the runtime reads at start (set by the launcher from {@code conf/launcher.properties}
 * and the environment).
 *
 * @param data {@code understudy.data}: the data directory
 * @param conf {@code understudy.conf}: the directory of {@code <pid>.cfg} files
 * @param bundles {@code understudy.bundles}: the plugin drop directory
 * @param pollInterval {@code understudy.poll.interval}: how soon after a change conf/ and bundles/ are scanned,
 *     and how often while they keep changing (they are watched for changes; without change events, as on a network
 *     mount, they are scanned every minute)
 * @param adminUser {@code understudy.admin.user}: the admin user name
 * @param adminPassword {@code understudy.admin.password}: plain or hashed admin password, or null
 * @param loginMaxFailures {@code understudy.admin.maxFailures}: wrong passwords from one address (within 5
 *     minutes) before it is locked out
 * @param loginLockout {@code understudy.admin.lockout}: the first lockout; it doubles at each further one, up
 *     to 15 minutes
 * @param metricsToken {@code understudy.metrics.token}: a token that opens {@code /metrics} (and nothing else)
 *     as {@code Authorization: Bearer}, or null; {@code UNDERSTUDY_METRICS_TOKEN} wins over it
 */
record HostSettings(Path data, Path conf, Path bundles, Duration pollInterval, String adminUser,
                    String adminPassword, int loginMaxFailures, Duration loginLockout, String metricsToken) {

    static HostSettings from(Function<String, String> property) {
        Path home = Path.of(orDefault(property.apply("understudy.home"), ".")).toAbsolutePath().normalize();
        return new HostSettings(
                resolve(home, property.apply("understudy.data"), "data"),
                resolve(home, property.apply("understudy.conf"), "conf"),
                resolve(home, property.apply("understudy.bundles"), "bundles"),
                Duration.ofMillis(Long.parseLong(orDefault(property.apply("understudy.poll.interval"), "500"))),
                orDefault(property.apply("understudy.admin.user"), "admin"),
                property.apply("understudy.admin.password"),
                Integer.parseInt(orDefault(property.apply("understudy.admin.maxFailures"), "5")),
                org.understudy.api.Durations.parse(orDefault(property.apply("understudy.admin.lockout"), "30s")),
                property.apply("understudy.metrics.token"));
    }

    /** The admin login's throttle as configured. */
    org.understudy.core.web.LoginThrottle loginThrottle() {
        return new org.understudy.core.web.LoginThrottle(loginMaxFailures, Duration.ofMinutes(5), loginLockout,
                Duration.ofMinutes(15), java.time.Clock.systemUTC());
    }

    private static Path resolve(Path home, String value, String fallback) {
        return home.resolve(orDefault(value, fallback)).toAbsolutePath().normalize();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
