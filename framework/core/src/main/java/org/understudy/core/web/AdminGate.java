package org.understudy.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The admin login of the REST API and the Web Console: the credentials, throttled per client address
 * ({@link LoginThrottle}). Missing credentials are asked for (401); wrong ones count as a failed attempt;
 * an address that failed too often is answered 429 with Retry-After until its lockout ends.
 */
public final class AdminGate {

    /** The outcome of one check: the user, or the status to answer (401 or 429) and for how long to wait. */
    public record Verdict(String user, int status, long retryAfterSeconds) {
        public boolean allowed() {
            return user != null;
        }
    }

    private final AdminCredentials credentials;
    private final LoginThrottle throttle;

    public AdminGate(AdminCredentials credentials, LoginThrottle throttle) {
        this.credentials = credentials;
        this.throttle = throttle;
    }

    /** The failed-login count per client address, shared with the other ways in (the metrics token). */
    public LoginThrottle throttle() {
        return throttle;
    }

    /** Checks the request's Basic credentials from its client address. */
    public Verdict check(HttpServletRequest request) {
        return check(request.getHeader("Authorization"), request.getRemoteAddr());
    }

    Verdict check(String authorization, String client) {
        long wait = throttle.retryAfterSeconds(client);
        if (wait > 0) {
            return new Verdict(null, 429, wait);
        }
        String user = credentials.authenticate(authorization);
        if (user != null) {
            throttle.succeeded(client);
            return new Verdict(user, 200, 0);
        }
        if (authorization != null) {
            throttle.failed(client);
        }
        return new Verdict(null, HttpServletResponse.SC_UNAUTHORIZED, 0);
    }

    /** Sets the status and headers of a refused request (the caller writes a body if it wants one). */
    public static void refuse(Verdict verdict, HttpServletResponse response) {
        response.setStatus(verdict.status());
        if (verdict.status() == 429) {
            response.setHeader("Retry-After", String.valueOf(verdict.retryAfterSeconds()));
        } else {
            response.setHeader("WWW-Authenticate", ApiServlet.REALM);
        }
    }
}
