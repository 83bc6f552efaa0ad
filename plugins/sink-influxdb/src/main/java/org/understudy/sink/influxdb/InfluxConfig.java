package org.understudy.sink.influxdb;

import java.net.URI;
import java.time.Duration;
import org.understudy.api.Description;
import org.understudy.api.Secret;

/** Configuration of the InfluxDB sink (pid {@code understudy.sink-influxdb}). */
@Description("Forwards every reading to InfluxDB as line protocol: measurement = the profile, tag device = the "
        + "device id plus the reading's tags, one field per metric, timestamp = the device's time in ms. "
        + "Re-sent batches overwrite the same points, so nothing is duplicated.")
public record InfluxConfig(
        @Description("Whether the sink runs; when off, readings wait in the store.") boolean enabled,
        @Description("Base URL of InfluxDB, e.g. http://127.0.0.1:8086.") String url,
        @Description("V1 (/write with db, rp, user, password) or V2 (/api/v2/write with org, bucket, token).") ApiVersion apiVersion,
        @Description("1.x: database.") String database,
        @Description("1.x: retention policy; empty = the database's default.") String retentionPolicy,
        @Description("1.x: user; empty = no authentication.") String username,
        @Description("1.x: password.") @Secret String password,
        @Description("2.x: organisation.") String org,
        @Description("2.x: bucket.") String bucket,
        @Description("2.x: API token.") @Secret String token,
        @Description("How long one write request may take.") Duration requestTimeout) {

    /** The HTTP API dialect. */
    public enum ApiVersion { V1, V2 }

    public static final InfluxConfig DEFAULTS = new InfluxConfig(false, "http://127.0.0.1:8086", ApiVersion.V1,
            "understudy", "", "", "", "", "", "", Duration.ofSeconds(10));

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
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }
}
