package org.understudy.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;

/**
 * A real influxd 1.x on 127.0.0.1 with its own data directories, for tests and benchmarks: started here, or by
 * the caller from {@link #command()} (inside a network namespace, say).
 */
public final class Influxd implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    public Influxd(Path dir) throws IOException {
        this.dir = dir;
        this.port = TestPorts.freeTcpPort();
        int rpc = TestPorts.freeTcpPort();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("influxdb.conf"), String.join("\n",
                "reporting-disabled = true", "bind-address = \"127.0.0.1:" + rpc + "\"",
                "[meta]", "  dir = \"" + dir.resolve("meta") + "\"",
                "[data]", "  dir = \"" + dir.resolve("data") + "\"", "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[http]", "  enabled = true", "  bind-address = \"127.0.0.1:" + port + "\"", "  log-enabled = false",
                "[monitor]", "  store-enabled = false",
                "[continuous_queries]", "  enabled = false",
                "[subscriber]", "  enabled = false", ""));
    }


    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The command that runs this influxd (the Debian package's, else the one on the PATH). */
    public List<String> command() {
        String influxd = Files.isExecutable(Path.of("/usr/bin/influxd")) ? "/usr/bin/influxd" : "influxd";
        return List.of(influxd, "-config", dir.resolve("influxdb.conf").toString());
    }

    public Influxd start() throws Exception {
        process = new ProcessBuilder(command())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("influxd.log").toFile()))
                .start();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 204) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("influxd did not start (is the influxdb package installed? run .ci/install-test-deps): "
                + Files.readString(dir.resolve("influxd.log")));
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public JsonNode query(String db, String q) throws IOException, InterruptedException {
        String uri = url() + "/query?db=" + URLEncoder.encode(db, StandardCharsets.UTF_8) + "&q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("influx query answered " + r.statusCode() + ": " + r.body());
        }
        return new ObjectMapper().readTree(r.body());
    }

    /** The single number a {@code SELECT count(...)} returns (0 when there is no series yet). */
    public long count(String db, String q) throws IOException, InterruptedException {
        JsonNode series = query(db, q).path("results").path(0).path("series");
        return series.isMissingNode() || series.isEmpty() ? 0 : series.get(0).get("values").get(0).get(1).asLong();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
