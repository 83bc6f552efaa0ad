package org.understudy.api.spi;

import java.util.List;
import java.util.Map;

/**
 * An HTTP reply: a real backend's, or one a profile built to impersonate it. Framing headers
 * ({@code Content-Length}, {@code Transfer-Encoding}) and {@code Date} in {@code headers} are ignored
 * when the proxy sends an impersonated reply: it computes them from the body actually sent.
 *
 * @param status the status code
 * @param headers headers in order, names as they should be sent
 * @param body the body (treat as read-only)
 * @param chunked whether to send the body with chunked transfer-coding (as some backends do)
 */
public record HttpReply(int status, List<Map.Entry<String, String>> headers, byte[] body, boolean chunked) {
    public HttpReply {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        headers = List.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }
}
