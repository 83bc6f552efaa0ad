package org.understudy.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Predicate;

/** Talks to a running gateway's admin web over real HTTP, as a user's script would. */
final class GatewayClient {

    private final String base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    GatewayClient(int port, String user, String password) {
        this.base = "http://127.0.0.1:" + port;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** GET with the admin credentials (or none when {@code authenticated} is false). */
    HttpResponse<String> get(String path, boolean authenticated) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        if (authenticated) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorizationHeader) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", authorizationHeader).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with {@code body} as {@code contentType} and any further headers (name, value, ...). */
    HttpResponse<String> post(String path, String contentType, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", authorization).header("Content-Type", contentType);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/status", true);
        if (r.statusCode() != 200) {
            throw new IOException("/api/status answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    /** The status entry whose {@code id} is {@code id}, if listed. */
    Optional<JsonNode> plugin(String id) throws IOException, InterruptedException {
        for (JsonNode p : status().get("plugins")) {
            if (id.equals(p.get("id").asText())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Polls the plugin entry until {@code condition} holds; returns it, or fails after {@code timeout}. */
    JsonNode awaitPlugin(String id, Duration timeout, Predicate<Optional<JsonNode>> condition, String what)
            throws Exception {
        // on a timeout Awaitility names the last entry seen (Optional.empty: absent)
        return await(id + " to be " + what).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class) // the web server may still be starting
                .until(() -> plugin(id), condition)
                .orElse(null);
    }

    static Predicate<Optional<JsonNode>> inState(String state) {
        return p -> p.isPresent() && state.equals(p.get().get("state").asText());
    }
}
