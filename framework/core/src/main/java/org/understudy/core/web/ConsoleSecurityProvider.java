package org.understudy.core.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;

/**
 * Guards the Felix Web Console with the same admin user as the REST API, replacing the console's own
 * admin/admin default. The launcher makes the console wait for this provider
 * ({@code felix.webconsole.security.providers=understudy}), so it is never served unguarded.
 */
public final class ConsoleSecurityProvider implements SecurityProvider {

    public static final String ID = "understudy";

    private final AdminCredentials credentials;

    public ConsoleSecurityProvider(AdminCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        String user = credentials.authenticate(request.getHeader("Authorization"));
        if (user == null) {
            response.setHeader("WWW-Authenticate", ApiServlet.REALM);
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentLength(0);
        }
        return user;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // HTTP Basic has no server-side session to end
    }
}
