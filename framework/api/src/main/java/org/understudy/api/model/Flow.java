package org.understudy.api.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded request/response exchange between a device and (the stand-in for) its backend.
 *
 * @param start when the request arrived
 * @param duration until the reply was sent
 * @param profile the profile that handled it
 * @param client the device's address
 * @param host the requested host (Host header or SNI)
 * @param method the HTTP method, or {@code "TLS"} for a spliced connection
 * @param target the request target as sent
 * @param status the reply status (0 when there was none)
 * @param outcome how it was answered
 * @param requestHeaders request headers in order
 * @param responseHeaders reply headers in order
 * @param requestBody the request body, inline or by blob
 * @param responseBody the reply body, inline or by blob
 */
public record Flow(Instant start, Duration duration, String profile, String client, String host,
                   String method, String target, int status, Outcome outcome,
                   List<Map.Entry<String, String>> requestHeaders,
                   List<Map.Entry<String, String>> responseHeaders,
                   Body requestBody, Body responseBody) {

    /**
     * How an exchange was answered. {@code BACKFILLED}: a request first answered by impersonation,
     * re-sent to the real backend later; the flow holds the backend's reply. {@code ACTION}: a device action run
     * through the gateway (method {@code ACTION}, host the device id, client who asked, target the action).
     */
    public enum Outcome { FORWARDED, IMPERSONATED, REJECTED, FAILED, PASSED_THROUGH, BACKFILLED, ACTION }

    /**
     * A body: small ones inline, larger ones stored as a blob.
     *
     * @param inline the bytes when kept inline, else {@code null} (treat as read-only)
     * @param blobSha256 the blob holding the bytes when not inline, else {@code null}
     * @param size the full body length
     */
    public record Body(byte[] inline, String blobSha256, long size) {
        public static final Body EMPTY = new Body(new byte[0], null, 0);
    }

    public Flow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
        requestHeaders = requestHeaders == null ? List.of() : List.copyOf(requestHeaders);
        responseHeaders = responseHeaders == null ? List.of() : List.copyOf(responseHeaders);
        requestBody = requestBody == null ? Body.EMPTY : requestBody;
        responseBody = responseBody == null ? Body.EMPTY : responseBody;
    }
}
