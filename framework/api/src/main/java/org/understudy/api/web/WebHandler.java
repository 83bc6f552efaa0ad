package org.understudy.api.web;

/**
 * Serves a plugin's endpoint. Called on the admin web's threads, concurrently, for authenticated requests only;
 * it may block briefly (read the store) but must answer within seconds. A thrown exception becomes a 500 that
 * names it.
 */
@FunctionalInterface
public interface WebHandler {
    WebResponse handle(WebRequest request) throws Exception;
}
