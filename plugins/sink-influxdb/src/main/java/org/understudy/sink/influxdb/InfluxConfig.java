package org.understudy.sink.influxdb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.api.Description;
import org.understudy.api.Secret;

/** Configuration of the InfluxDB sink (pid {@code understudy.sink-influxdb}). */
@Description("Forwards every reading to InfluxDB as line protocol: measurement = the profile, tag device = the "
        + "device id plus the reading's tags, one field per metric (or, for the profiles of measurementPerMetric, one point "
        + "per metric: measurement = the metric, field value), timestamp = the device's own time; tag gateway = the "
        + "runtime's site, when set. Re-sent batches overwrite the same points, so nothing is duplicated.")
public record InfluxConfig(
        @Description("Whether the sink runs; when off, readings wait in the store.") boolean enabled,
        @Description("Base URL of InfluxDB, e.g. http://127.0.0.1:8086.") String url,
        @Description("V1 (/write with db, rp, user, password) or V2 (/api/v2/write with org, bucket, token).") ApiVersion apiVersion,
        @Description("1.x: database.") String database,
        @Description("1.x: retention policy written to; empty = the database's default.") String retentionPolicy,
        @Description("1.x: create the database before the first write (and, with retentionDuration, retentionPolicy as its default).")
        boolean createDatabase,
        @Description("1.x, with createDatabase: how long retentionPolicy keeps data (the SmartMesh seed: 12h); 0 = no policy is created.")
        Duration retentionDuration,
        @Description("Profiles written one point per metric, as profile=tag (e.g. smartmesh-clouddata=mac): measurement = the metric, "
                + "tag <tag> = the device, field value, the SmartMesh seed's schema, so its dashboards work unchanged.")
        List<String> measurementPerMetric,
        @Description("1.x: user; empty = no authentication.") String username,
        @Description("1.x: password.") @Secret String password,
        @Description("2.x: organisation.") String org,
        @Description("2.x: bucket.") String bucket,
        @Description("2.x: API token.") @Secret String token,
        @Description("How long one write request may take.") Duration requestTimeout,
        @Description("Most readings in one write request; a delivered batch is split into writes of this size.") int writeSize,
        @Description("Most write requests in flight at once (InfluxDB takes them on several cores).") int writeConcurrency) {

    /** The HTTP API dialect. */
    public enum ApiVersion { V1, V2 }

    /** Profile id to device tag name, from {@code profile=tag} entries. */
    private static final java.util.regex.Pattern PER_METRIC = java.util.regex.Pattern.compile("([A-Za-z0-9_.-]+)=([A-Za-z0-9_-]+)");

    public static final InfluxConfig DEFAULTS = new InfluxConfig(false, "http://127.0.0.1:8086", ApiVersion.V1,
            "understudy", "", false, Duration.ZERO, List.of(), "", "", "", "", "", Duration.ofSeconds(10), 5000, 2);

    public InfluxConfig {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a URL: '" + url + "'");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("url must be http://host:port or https://host:port, got '" + url + "'");
        }
        if (apiVersion == ApiVersion.V1 && (database == null || database.isBlank())) {
            throw new IllegalArgumentException("database is required with apiVersion V1");
        }
        if (apiVersion == ApiVersion.V2 && (org == null || org.isBlank() || bucket == null || bucket.isBlank())) {
            throw new IllegalArgumentException("org and bucket are required with apiVersion V2");
        }
        retentionPolicy = retentionPolicy == null ? "" : retentionPolicy.trim();
        retentionDuration = retentionDuration == null ? Duration.ZERO : retentionDuration;
        if (retentionDuration.isNegative() || !retentionDuration.isZero() && retentionDuration.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("retentionDuration must be 0 (none) or at least 1h (InfluxDB's shortest)");
        }
        if (!retentionDuration.isZero() && retentionPolicy.isEmpty()) {
            throw new IllegalArgumentException("retentionDuration needs retentionPolicy: the name of the policy to create");
        }
        measurementPerMetric = measurementPerMetric == null ? List.of() : List.copyOf(measurementPerMetric);
        for (String entry : measurementPerMetric) {
            if (!PER_METRIC.matcher(entry.trim()).matches()) {
                throw new IllegalArgumentException("measurementPerMetric entries are profile=tag (e.g. smartmesh-clouddata=mac), got '" + entry + "'");
            }
        }
        if (writeSize < 1 || writeSize > 100_000) {
            throw new IllegalArgumentException("writeSize must be between 1 and 100000, got " + writeSize);
        }
        if (writeConcurrency < 1 || writeConcurrency > 16) {
            throw new IllegalArgumentException("writeConcurrency must be between 1 and 16, got " + writeConcurrency);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** The device tag of each profile written one point per metric, by profile id. */
    public Map<String, String> perMetricTags() {
        Map<String, String> out = new java.util.HashMap<>();
        for (String entry : measurementPerMetric) {
            var m = PER_METRIC.matcher(entry.trim());
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return Map.copyOf(out);
    }
}
