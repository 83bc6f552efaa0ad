package org.understudy.api.spi;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete device HTTP request as the proxy received it.
 *
 * @param client the device's address
 * @param receivedAt when the request head arrived
 * @param method the method, uppercase
 * @param target the request target exactly as sent (may hold raw JSON in the query)
 * @param host the Host header without port, lowercase
 * @param headers the headers in order, names as sent
 * @param body the body (treat as read-only); empty when none
 */
public record HttpRequest(InetSocketAddress client, Instant receivedAt, String method, String target,
                          String host, List<Map.Entry<String, String>> headers, byte[] body) {

    public HttpRequest {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(host, "host");
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** The value of the first header named {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue).findFirst();
    }

    /** The path part of the target (before {@code ?}). */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The raw query part of the target (after {@code ?}), or empty. */
    public String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }
}
