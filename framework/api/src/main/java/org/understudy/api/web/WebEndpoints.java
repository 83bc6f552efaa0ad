package org.understudy.api.web;

import org.understudy.api.Subscription;

/**
 * Endpoints a plugin contributes to the admin web server: same port, same login, same TLS as the REST API and
 * the Web Console. A mount serves {@code /<path>/...} from when it is made until the plugin stops (or the
 * subscription is closed); the Web Console's "Understudy" tab links to every mount. In a runtime without a web
 * server (tests, embedding) mounts are kept and served by nothing.
 */
public interface WebEndpoints {

    /** Largest request body handed to a handler; larger ones get 413. */
    int MAX_REQUEST_BODY = 4 * 1024 * 1024;

    /**
     * Serves {@code /<path>/} and everything below it with {@code handler}; {@code /<path>} redirects there.
     *
     * @param path one path segment: lowercase letters, digits and '-', not {@code api} nor {@code system}
     * @param title what the Web Console's Understudy tab calls the link
     * @throws IllegalArgumentException the path is not allowed, or another plugin has it
     */
    Subscription mount(String path, String title, WebHandler handler);

    /**
     * Like {@link #mount}, and the admin web's root {@code /} redirects to {@code /<path>/} while it is mounted: the
     * gateway's front page (a dashboard). When several plugins ask, the earliest mount still there wins; with none,
     * {@code /} leads to the Web Console.
     *
     * @since 0.4
     */
    Subscription mountHome(String path, String title, WebHandler handler);
}
