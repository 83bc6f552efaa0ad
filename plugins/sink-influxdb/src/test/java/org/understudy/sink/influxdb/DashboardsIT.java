package org.understudy.sink.influxdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.Influxd;

/**
 * The seed's InfluxDB schema, database and retention policy, written by the sink into a real influxd, and the
 * Grafana dashboards the distribution ships: every panel's query (with its template variables resolved by their
 * own queries, as Grafana does) runs against the forwarded data and returns the expected series.
 */
class DashboardsIT {

    private static final Path DASHBOARDS = Path.of("../../distribution/src/main/dist/dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MACS = List.of("33-33-33-33-33-33-33-33", "44-44-44-44-44-44-44-44");
    private static final List<String> SKIES = List.of("sky-0", "sky-1", "sky-2");

    @TempDir
    Path dir;

    @Test
    void theSeedsQueryAndEveryPanelRunOnForwardedData() throws Exception {
        try (Influxd influx = new Influxd(dir.resolve("influx")).start()) {
            PluginRuntime r = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
            try {
                r.configure("understudy.runtime", Map.of("readingStore", "store-sqlite", "site", "valley",
                        "sinkRetryInitial", "100ms", "sinkRetryMax", "400ms", "sinkPollInterval", "100ms"));
                // the seed's grafanadb.influx, made by the sink: database grafana, default policy twelve_h_only of 12h
                r.configure("understudy.sink-influxdb", Map.of("enabled", "true", "url", influx.url(), "database", "grafana",
                        "retentionPolicy", "twelve_h_only", "createDatabase", "true", "retentionDuration", "12h",
                        "measurementPerMetric", "smartmesh-clouddata=mac"));
                r.add(ClasspathPlugins.discover(DashboardsIT.class.getClassLoader()));

                Instant start = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
                Map<String, List<Double>> sent = new TreeMap<>();
                List<Reading> readings = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String mac = MACS.get(i % 2);
                    double temperature = 20 + 10 * ((i * 7919) % 100) / 100.0;
                    sent.computeIfAbsent(mac, m -> new ArrayList<>()).add(temperature);
                    Instant t = start.plusSeconds(i);
                    readings.add(new Reading(mac, "smartmesh-clouddata", t, t, Map.of("temperature", MetricValue.of(temperature, "Cel")), Map.of()));
                    Map<String, MetricValue> sky = new LinkedHashMap<>();
                    sky.put("temperature", MetricValue.of(i, "Cel"));
                    sky.put("raining", MetricValue.of(i % 2 == 0));
                    sky.put("firmware", MetricValue.of("2.1." + i));
                    readings.add(new Reading(SKIES.get(i % 3), "bloomsky", t, t, sky, Map.of()));
                }
                r.recorder().record(readings);
                InfluxSinkIT.await(() -> InfluxSinkIT.backlog(r) == 0, "all forwarded");

                JsonNode policies = influx.query("grafana", "SHOW RETENTION POLICIES ON grafana").path("results").path(0).path("series").get(0);
                assertTrue(policies.get("values").toString().contains("[\"twelve_h_only\",\"12h0m0s\""), policies.toString());
                assertTrue(policies.get("values").toString().contains("\"12h0m0s\",1,true]") || policies.get("values").toString().contains("true]"),
                        "the default policy: " + policies);

                // the seed's dashboard: its query unchanged, one series per mote with every value sent, at its own time
                JsonNode seed = panelResults(influx, "smartmesh-temperature.json", Map.of()).get(0);
                assertEquals(MACS, seriesTags(seed, "mac"));
                for (JsonNode s : seed.path("series")) {
                    List<Double> values = new ArrayList<>();
                    s.get("values").forEach(v -> values.add(v.get(1).asDouble()));
                    String mac = s.path("tags").path("mac").asText();
                    assertEquals(sent.get(mac), values, "every reading a point, in order");
                    Instant first = start.plusSeconds(MACS.indexOf(mac));
                    assertEquals(first, Instant.parse(s.get("values").get(0).get(0).asText()).truncatedTo(ChronoUnit.MILLIS),
                            "the reading's own time (the store sequence is below the millisecond)");
                }
                assertEquals(20, influx.count("grafana", "SELECT count(\"value\") FROM \"temperature\" WHERE \"gateway\" = 'valley'"),
                        "every point carries the gateway's site");

                // Understudy's dashboard, profile bloomsky, all devices: the table and one graph per metric, a series per device
                List<JsonNode> own = panelResults(influx, "understudy-readings.json", Map.of("profile", "bloomsky"));
                assertEquals(1 + 3, own.size(), "the latest-values table and a graph for each of the three metrics");
                for (JsonNode result : own) {
                    assertEquals(SKIES, seriesTags(result, "device"), result.toString());
                }
                // one device picked, and the site picked
                List<JsonNode> one = panelResults(influx, "understudy-readings.json", Map.of("profile", "bloomsky", "device", "sky-1",
                        "gateway", "valley"));
                for (JsonNode result : one) {
                    assertEquals(List.of("sky-1"), seriesTags(result, "device"), result.toString());
                }
            } finally {
                r.close();
            }
        }
    }

    /** The device (or mac) tag of each series of one query result, sorted. */
    private static List<String> seriesTags(JsonNode result, String tag) {
        assertFalse(result.has("error"), result.toString());
        TreeSet<String> tags = new TreeSet<>();
        result.path("series").forEach(s -> tags.add(s.path("tags").path(tag).asText()));
        return List.copyOf(tags);
    }

    /**
     * Runs every panel query of a dashboard as Grafana would: each template variable resolved by its own query
     * ({@code chosen} picks a value; otherwise All, or the first value), a repeated panel once per value of its
     * variable, {@code $timeFilter} the last hour.
     */
    private static List<JsonNode> panelResults(Influxd influx, String file, Map<String, String> chosen) throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARDS.resolve(file)));
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String name = v.get("name").asText();
            List<String> values = variableValues(influx, substitute(v.get("query").asText(), single));
            assertFalse(values.isEmpty(), "variable " + name + " of " + file + " has values");
            options.put(name, values);
            if (chosen.containsKey(name)) {
                assertTrue(values.contains(chosen.get(name)), name + " offers " + chosen.get(name) + ": " + values);
                single.put(name, chosen.get(name));
            } else if (v.path("includeAll").asBoolean()) {
                single.put(name, v.has("allValue") ? v.get("allValue").asText() : "(" + String.join("|", values) + ")");
            } else {
                single.put(name, values.get(0));
            }
        }
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            List<String> repeats = panel.has("repeat") ? options.get(panel.get("repeat").asText()) : List.of("");
            for (String value : repeats) {
                Map<String, String> vars = new LinkedHashMap<>(single);
                if (panel.has("repeat")) {
                    vars.put(panel.get("repeat").asText(), value);
                }
                for (JsonNode target : panel.path("targets")) {
                    results.add(influx.query("grafana", substitute(target.get("query").asText(), vars)).path("results").path(0));
                }
            }
        }
        return results;
    }

    private static String substitute(String query, Map<String, String> vars) {
        String q = query.replace("$timeFilter", "time > now() - 1h").replace("$__interval", "1m");
        for (Map.Entry<String, String> v : vars.entrySet()) {
            q = q.replace("$" + v.getKey(), v.getValue());
        }
        assertFalse(java.util.regex.Pattern.compile("\\$[A-Za-z_]").matcher(q).find(), "every variable resolved: " + q);
        return q;
    }

    /** A variable query's values: the tag value of SHOW TAG VALUES, else the first column. */
    private static List<String> variableValues(Influxd influx, String query) throws Exception {
        JsonNode result = influx.query("grafana", query).path("results").path(0);
        assertFalse(result.has("error"), query + ": " + result);
        TreeSet<String> values = new TreeSet<>();
        int column = query.startsWith("SHOW TAG VALUES") ? 1 : 0;
        result.path("series").forEach(s -> s.path("values").forEach(v -> values.add(v.get(column).asText())));
        return List.copyOf(values);
    }
}
