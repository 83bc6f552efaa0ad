package org.understudy.sink.influxdb;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.model.StoredReading;
import org.understudy.api.spi.RejectedReadingException;
import org.understudy.api.spi.Sink;

/**
 * The InfluxDB sink (id {@code sink-influxdb}). One POST per batch; 2xx acknowledges the batch. A 400 or
 * 422 (a point InfluxDB will never take, such as a field type conflict) is narrowed down by halving the
 * batch until the one refused reading is found, which is then parked; everything else (connection
 * refused, 5xx, 401, 404 for a missing database) is retried by the runtime until it works. With
 * {@code createDatabase}, the database (and its retention policy) is created before the first write of each
 * start, and again whenever a write finds it missing.
 */
public final class InfluxSink implements Sink<InfluxConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile InfluxConfig config = InfluxConfig.DEFAULTS;
    private volatile HttpClient http;
    private volatile URI writeUri;
    private volatile String site = "";
    private volatile Map<String, String> perMetric = Map.of();
    /** Whether the database and policy exist as configured (made so at this start); only the delivery thread writes it. */
    private volatile boolean prepared;

    @Override
    public String id() {
        return "sink-influxdb";
    }

    @Override
    public Class<InfluxConfig> configType() {
        return InfluxConfig.class;
    }

    @Override
    public InfluxConfig defaultConfig() {
        return InfluxConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<InfluxConfig> context) {
        config = context.config();
        writeUri = writeUri(config);
        site = context.gateway().site();
        perMetric = config.perMetricTags();
        prepared = false;
        if (config.enabled()) {
            // not for a sink that is off: the client costs a quarter of a second at start on a small box
            http = HttpClient.newBuilder().executor(context.scheduler().blocking())
                    .connectTimeout(config.requestTimeout()).build();
        }
    }

    static URI writeUri(InfluxConfig c) {
        String base = c.url().endsWith("/") ? c.url().substring(0, c.url().length() - 1) : c.url();
        if (c.apiVersion() == InfluxConfig.ApiVersion.V2) {
            return URI.create(base + "/api/v2/write?precision=ns&org=" + enc(c.org()) + "&bucket=" + enc(c.bucket()));
        }
        StringBuilder uri = new StringBuilder(base).append("/write?precision=ns&db=").append(enc(c.database()));
        if (!c.retentionPolicy().isBlank()) {
            uri.append("&rp=").append(enc(c.retentionPolicy()));
        }
        return URI.create(uri.toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** InfluxDB's {@code /ping} (1.x and 2.x alike): 204 when it is up. */
    @Override
    public boolean reachable() throws IOException, InterruptedException {
        HttpClient client = http;
        if (client == null) {
            return false;
        }
        String base = config.url().endsWith("/") ? config.url().substring(0, config.url().length() - 1) : config.url();
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ping")).timeout(config.requestTimeout())
                .GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() / 100 == 2;
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public void stop() {
        http = null; // the JDK client has no close before Java 21; its threads end with it
    }

    /** What InfluxDB answered one write. */
    private record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }

        boolean refused() {
            return status == 400 || status == 422;
        }

        boolean databaseMissing() {
            return status == 404 && body.contains("database not found");
        }

        /** The body, shortened, for a message. */
        String detail() {
            return body.isBlank() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) : body).trim();
        }
    }

    /**
     * Writes the batch in parts of {@code writeSize} readings, up to {@code writeConcurrency} at once: a part is
     * encoded while the ones before it are on their way, and influxd takes them on all its cores. Parts written
     * before a failure are written again with the batch, which overwrites the same points.
     */
    @Override
    public void deliver(List<StoredReading> batch) throws Exception {
        prepare();
        InfluxConfig c = config;
        List<List<StoredReading>> parts = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += c.writeSize()) {
            parts.add(batch.subList(from, Math.min(batch.size(), from + c.writeSize())));
        }
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (i >= c.writeConcurrency()) {
                await(answers.get(i - c.writeConcurrency())); // a part finished before the next is sent
            }
            answers.add(send(parts.get(i)));
        }
        for (int i = 0; i < parts.size(); i++) {
            Answer a = await(answers.get(i));
            if (a.databaseMissing() && c.createDatabase()) {
                prepared = false; // dropped while we ran: made again, then the part written again
                prepare();
                a = await(send(parts.get(i)));
            }
            if (a.refused()) {
                narrowDown(parts.get(i), a);
            } else if (!a.ok()) {
                throw new IOException("InfluxDB answered " + a.status() + a.detail());
            }
        }
    }

    /** Halves a refused part until the refused reading is alone; what goes in is delivered. */
    private void narrowDown(List<StoredReading> part, Answer refusal) throws Exception {
        if (part.size() == 1) {
            throw new RejectedReadingException(part.get(0).sequence(), "InfluxDB refused it" + refusal.detail());
        }
        List<StoredReading> first = part.subList(0, part.size() / 2);
        List<StoredReading> second = part.subList(part.size() / 2, part.size());
        for (List<StoredReading> half : List.of(first, second)) {
            Answer a = await(send(half));
            if (a.refused()) {
                narrowDown(half, a);
            } else if (!a.ok()) {
                throw new IOException("InfluxDB answered " + a.status() + a.detail());
            }
        }
    }

    /** The answer to a write, its failure as the exception a delivery reports. */
    private Answer await(CompletableFuture<Answer> answer) throws IOException, InterruptedException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.ConnectException) {
                throw new IOException("cannot connect to InfluxDB at " + config.url(), cause);
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new IOException("InfluxDB at " + config.url() + " did not answer within "
                        + config.requestTimeout().toMillis() + " ms", cause);
            }
            throw cause instanceof IOException io ? io : new IOException(org.understudy.api.Errors.describe(cause), cause);
        }
    }

    /** Creates the database and its retention policy, once per start, when configured to (1.x only). */
    private void prepare() throws IOException, InterruptedException {
        InfluxConfig c = config;
        if (prepared || !c.createDatabase() || c.apiVersion() != InfluxConfig.ApiVersion.V1) {
            return;
        }
        String failed = query("CREATE DATABASE " + identifier(c.database()));
        if (failed != null) {
            throw new IOException("InfluxDB refused to create database " + c.database() + ": " + failed);
        }
        if (!c.retentionDuration().isZero()) {
            String policy = identifier(c.retentionPolicy()) + " ON " + identifier(c.database()) + " DURATION "
                    + org.understudy.api.Durations.format(c.retentionDuration());
            // CREATE fails when the policy exists with another duration: it is changed to the configured one
            if (query("CREATE RETENTION POLICY " + policy + " REPLICATION 1 DEFAULT") != null
                    && (failed = query("ALTER RETENTION POLICY " + policy + " DEFAULT")) != null) {
                throw new IOException("InfluxDB refused retention policy " + c.retentionPolicy() + ": " + failed);
            }
        }
        prepared = true;
        LOG.info("InfluxDB database {} ready{}", c.database(), c.retentionDuration().isZero() ? ""
                : " with default retention policy " + c.retentionPolicy() + " (" + org.understudy.api.Durations.format(c.retentionDuration()) + ")");
    }

    /** Runs an InfluxQL statement; the error InfluxDB reports for it, or {@code null}. Non-2xx answers throw. */
    private String query(String statement) throws IOException, InterruptedException {
        HttpClient client = http;
        if (client == null) {
            throw new IOException("the InfluxDB sink is stopped");
        }
        String base = config.url().endsWith("/") ? config.url().substring(0, config.url().length() - 1) : config.url();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/query")).timeout(config.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(statement)));
        authorize(request);
        HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("InfluxDB answered " + r.statusCode() + " to " + statement.split(" ")[0] + " "
                    + statement.split(" ")[1] + ": " + r.body());
        }
        var error = JSON.readTree(r.body()).path("results").path(0).path("error");
        return error.isMissingNode() ? null : error.asText();
    }

    /** An InfluxQL identifier, quoted. */
    static String identifier(String name) {
        return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private void authorize(HttpRequest.Builder request) {
        if (config.apiVersion() == InfluxConfig.ApiVersion.V2) {
            request.header("Authorization", "Token " + config.token());
        } else if (!config.username().isBlank()) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Encodes {@code part} and sends it; never blocks on the network. */
    private CompletableFuture<Answer> send(List<StoredReading> part) {
        HttpClient client = http;
        if (client == null) {
            return CompletableFuture.failedFuture(new IOException("the InfluxDB sink is stopped"));
        }
        StringBuilder body = new StringBuilder(part.size() * 96);
        Map<String, String> tagOf = perMetric;
        for (StoredReading r : part) {
            String deviceTag = tagOf.get(r.reading().profile());
            if (deviceTag == null) {
                LineProtocol.append(body, r.reading(), r.sequence(), site);
            } else {
                LineProtocol.appendPerMetric(body, r.reading(), r.sequence(), deviceTag, site);
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(writeUri).timeout(config.requestTimeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        authorize(request);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body() == null ? "" : r.body()));
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("writeUrl", writeUri == null ? "" : writeUri.toString());
        out.put("gatewayTag", site);
        out.put("measurementPerMetric", perMetric);
        if (config.createDatabase()) {
            out.put("databaseReady", prepared);
        }
        return out;
    }
}
