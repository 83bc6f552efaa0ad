package org.understudy.api.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A {@link WebHandler} serving files a plugin ships in its jar (HTML, scripts, styles, images, fonts) below a
 * resource folder, {@code index.html} for a folder, with content types and cache headers. Nothing outside the
 * folder can be reached ({@code ..} is refused).
 */
public final class StaticAssets implements WebHandler {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"));

    private final ClassLoader loader;
    private final String folder;

    /**
     * @param anchor a class of the plugin: its class loader finds the files
     * @param folder the resource folder, without leading or trailing '/' (say {@code "web"})
     */
    public StaticAssets(Class<?> anchor, String folder) {
        this.loader = anchor.getClassLoader();
        this.folder = folder;
    }

    @Override
    public WebResponse handle(WebRequest request) throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return new WebResponse(405, "text/plain", Map.of("Allow", "GET, HEAD"), "use GET".getBytes());
        }
        String path = request.path().endsWith("/") ? request.path() + "index.html" : request.path();
        if (path.contains("..") || path.contains("\\") || path.contains("//")) {
            return WebResponse.notFound();
        }
        try (InputStream in = loader.getResourceAsStream(folder + path)) {
            if (in == null) {
                return WebResponse.notFound();
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
            // HTML names the other files: it must be looked at again, they may be cached a while
            String cache = type.startsWith("text/html") ? "no-cache" : "max-age=3600";
            return new WebResponse(200, type, Map.of("Cache-Control", cache, "X-Content-Type-Options", "nosniff"),
                    in.readAllBytes());
        }
    }
}
