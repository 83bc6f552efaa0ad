package org.understudy.core.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.understudy.core.GatewayMetrics;

/**
 * {@code GET /metrics}: every series in the Prometheus text format. A scraper authenticates with the admin login
 * (HTTP Basic, {@link AdminGate}) or, when one is set, with the metrics token as {@code Authorization: Bearer <token>},
 * which opens this page and nothing else. Wrong tokens count as failed logins of the client address.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The environment variable that sets the metrics token (it wins over {@code understudy.metrics.token}). */
    public static final String ENV_TOKEN = "UNDERSTUDY_METRICS_TOKEN";
    private static final String BEARER = "Bearer ";

    private final transient GatewayMetrics metrics;
    private final transient AdminGate gate;
    /** SHA-256 of the token, or null when only the admin login opens the page. */
    private final transient byte[] tokenDigest;

    /** @param token the metrics token, or null or blank for none */
    public MetricsServlet(GatewayMetrics metrics, AdminGate gate, String token) {
        this.metrics = metrics;
        this.gate = gate;
        this.tokenDigest = token == null || token.isBlank() ? null : AdminCredentials.sha256(token.trim());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminGate.Verdict verdict = gate.check(request, this::tokenUser);
        if (!verdict.allowed()) {
            AdminGate.refuse(verdict, response);
            response.setContentType("text/plain; charset=utf-8");
            response.getOutputStream().write((verdict.message() + "\n").getBytes(StandardCharsets.UTF_8));
            return;
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

    /** Who a Bearer header with the metrics token is, else null. */
    private String tokenUser(String authorization) {
        if (tokenDigest == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return MessageDigest.isEqual(tokenDigest, AdminCredentials.sha256(authorization.substring(BEARER.length()).trim())) ? "metrics token" : null;
    }
}
