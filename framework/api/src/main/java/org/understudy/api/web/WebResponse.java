package org.understudy.api.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A plugin endpoint's answer.
 *
 * @param status the HTTP status
 * @param contentType its content type ({@code null} for none)
 * @param headers further headers (Cache-Control, ETag, Location, ...)
 * @param body the body (treat as read-only)
 */
public record WebResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public WebResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public static WebResponse of(int status, String contentType, byte[] body) {
        return new WebResponse(status, contentType, Map.of(), body);
    }

    public static WebResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static WebResponse json(int status, String json) {
        return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public static WebResponse redirect(String location) {
        return new WebResponse(303, null, Map.of("Location", location), new byte[0]);
    }

    public static WebResponse notFound() {
        return text(404, "not found");
    }
}
