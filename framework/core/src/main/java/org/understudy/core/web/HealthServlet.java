package org.understudy.core.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.understudy.core.PluginRuntime;

/**
 * {@code GET /health}, without login: 200 {@code ok} while the runtime answers, 503 when it does not within
 * {@link #DEADLINE}. Says nothing else (no versions, no plugins): it is what a watchdog asks before restarting the
 * service (the Debian package's timer, {@code bin/understudy-health}). A gateway that runs but is not ready (a full
 * disk, a plugin that cannot start) is healthy here: restarting it would not help, {@code /api/status} says why.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** How long the runtime's lifecycle thread may take to answer before the gateway is called unhealthy. */
    public static final Duration DEADLINE = Duration.ofSeconds(5);

    private final transient PluginRuntime runtime;

    public HealthServlet(PluginRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        boolean alive = runtime.answers(DEADLINE);
        response.setStatus(alive ? 200 : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write((alive ? "ok\n" : "the runtime did not answer within " + DEADLINE.toSeconds() + " s\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
