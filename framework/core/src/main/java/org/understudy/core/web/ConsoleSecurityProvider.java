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

    private final AdminGate gate;

    public ConsoleSecurityProvider(AdminGate gate) {
        this.gate = gate;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        AdminGate.Verdict verdict = gate.check(request);
        if (!verdict.allowed()) {
            AdminGate.refuse(verdict, response);
            response.setContentLength(0);
        }
        return verdict.user();
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
