package org.understudy.core.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.understudy.core.GatewayMetrics;

/**
 * {@code GET /metrics}: every series in the Prometheus text format. A scraper authenticates with the admin
 * login (HTTP Basic, {@link AdminGate}) or, when one is set, with the metrics token as {@code Authorization: Bearer <token>},
 * which opens this page and nothing else. Wrong tokens count as failed logins of the client address.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The environment variable that sets the metrics token (it wins over {@code understudy.metrics.token}). */
    public static final String ENV_TOKEN = "UNDERSTUDY_METRICS_TOKEN";

    private final transient GatewayMetrics metrics;
    private final transient AdminGate gate;
    private final transient LoginThrottle throttle;
    /** SHA-256 of the token, or null when only the admin login opens the page. */
    private final transient byte[] tokenDigest;

    /** @param token the metrics token, or null or blank for none */
    public MetricsServlet(GatewayMetrics metrics, AdminGate gate, String token) {
        this.metrics = metrics;
        this.gate = gate;
        this.throttle = gate.throttle();
        this.tokenDigest = token == null || token.isBlank() ? null : sha256(token.trim());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String client = request.getRemoteAddr();
            long wait = throttle.retryAfterSeconds(client);
            if (wait > 0) {
                AdminGate.refuse(new AdminGate.Verdict(null, 429, wait), response);
                text(response, "too many failed logins from this address; retry in " + wait + " s");
                return;
            }
            if (tokenDigest == null || !MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).trim()))) {
                throttle.failed(client);
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                response.setHeader("WWW-Authenticate", "Bearer realm=\"Understudy metrics\"");
                text(response, tokenDigest == null ? "no metrics token is set: use the admin login" : "wrong token");
                return;
            }
            throttle.succeeded(client);
        } else {
            AdminGate.Verdict verdict = gate.check(request);
            if (!verdict.allowed()) {
                AdminGate.refuse(verdict, response);
                text(response, verdict.status() == 429 ? "too many failed logins from this address; retry in "
                        + verdict.retryAfterSeconds() + " s" : "authentication required");
                return;
            }
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            response.setHeader("Allow", "GET, HEAD");
            return;
        }
        // written whole before the status is sent: a gauge that fails mid-way must not leave half a page
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        metrics.write(body);
        response.setStatus(200);
        response.setContentType(metrics.contentType());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.size());
        if (request.getMethod().equals("GET")) {
            body.writeTo(response.getOutputStream());
        }
    }

    private static void text(HttpServletResponse response, String message) throws IOException {
        response.setContentType("text/plain; charset=utf-8");
        response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
