package org.understudy.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Function;

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

        /** Why a refused request was refused, for its body. */
        public String message() {
            return status == 429 ? "too many failed logins from this address; retry in " + retryAfterSeconds + " s"
                    : "authentication required";
        }
    }

    private final AdminCredentials credentials;
    private final LoginThrottle throttle;

    public AdminGate(AdminCredentials credentials, LoginThrottle throttle) {
        this.credentials = credentials;
        this.throttle = throttle;
    }

    /** Checks the request's Basic credentials from its client address. */
    public Verdict check(HttpServletRequest request) {
        return check(request.getHeader("Authorization"), request.getRemoteAddr());
    }

    /**
     * As {@link #check(HttpServletRequest)}, also letting in whoever {@code alternative} names from the Authorization
     * header (a page's own token, say): its wrong guesses count against the address like wrong passwords.
     */
    public Verdict check(HttpServletRequest request, Function<String, String> alternative) {
        return check(request.getHeader("Authorization"), request.getRemoteAddr(), alternative);
    }

    Verdict check(String authorization, String client) {
        return check(authorization, client, header -> null);
    }

    private Verdict check(String authorization, String client, Function<String, String> alternative) {
        long wait = throttle.retryAfterSeconds(client);
        if (wait > 0) {
            return new Verdict(null, 429, wait);
        }
        String user = credentials.authenticate(authorization);
        if (user == null && authorization != null) {
            user = alternative.apply(authorization);
        }
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
