package org.understudy.api.web;

import java.util.List;
import java.util.Map;

/**
 * One request to a plugin's web endpoint, already authenticated as the admin user.
 *
 * @param method the HTTP method
 * @param path the path below the mount, starting with '/' ({@code "/"} for the mount itself)
 * @param query the query parameters, each with its values in order
 * @param headers the request headers, names in lowercase (the first value of each)
 * @param body the request body (empty for GET), at most {@link WebEndpoints#MAX_REQUEST_BODY} bytes
 * @param user who is logged in
 */
public record WebRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                         byte[] body, String user) {

    /** The first value of query parameter {@code name}, or {@code null}. */
    public String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
