package org.understudy.store.sqlite;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.understudy.api.model.Flow;

/**
 * The stored form of a flow's details: headers in order, bodies inline (base64) up to a size, else only
 * the reference to the blob holding them and their length.
 */
record FlowRow(long durationMillis, String client, List<List<String>> requestHeaders,
               List<List<String>> responseHeaders, Body requestBody, Body responseBody) {

    record Body(String base64, String blob, long size) {}

    static FlowRow of(Flow f, int inlineLimit) {
        return new FlowRow(f.duration().toMillis(), f.client(), headers(f.requestHeaders()), headers(f.responseHeaders()),
                body(f.requestBody(), inlineLimit), body(f.responseBody(), inlineLimit));
    }

    /** The flow back, from this row and the columns beside it. */
    Flow toFlow(java.time.Instant start, String profile, String host, String method, String target, int status, Flow.Outcome outcome) {
        return new Flow(start, java.time.Duration.ofMillis(durationMillis), profile, client, host, method, target, status, outcome,
                entries(requestHeaders), entries(responseHeaders), body(requestBody), body(responseBody));
    }

    private static List<Map.Entry<String, String>> entries(List<List<String>> headers) {
        return headers == null ? List.of() : headers.stream().map(h -> Map.entry(h.get(0), h.get(1))).toList();
    }

    private static Flow.Body body(Body b) {
        if (b == null) {
            return Flow.Body.EMPTY;
        }
        return new Flow.Body(b.base64() == null ? null : Base64.getDecoder().decode(b.base64()), b.blob(), b.size());
    }

    private static List<List<String>> headers(List<Map.Entry<String, String>> headers) {
        return headers.stream().map(h -> List.of(h.getKey(), h.getValue())).toList();
    }

    private static Body body(Flow.Body b, int inlineLimit) {
        boolean inline = b.inline() != null && b.inline().length <= inlineLimit;
        return new Body(inline ? Base64.getEncoder().encodeToString(b.inline()) : null, b.blobSha256(), b.size());
    }
}
