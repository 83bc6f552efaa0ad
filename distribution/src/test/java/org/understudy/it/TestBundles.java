package org.understudy.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds plugin jars in tests from compiled test classes, the way a plugin author's build would:
 * classes, a {@code META-INF/services} file and an OSGi manifest. Lets a test produce two versions of
 * one plugin, or deliberately broken jars.
 */
final class TestBundles {

    static final String API_IMPORTS = "org.understudy.api;version=\"[0.1,1)\",org.understudy.api.spi;version=\"[0.1,1)\","
            + "org.understudy.api.model;version=\"[0.1,1)\"";
    static final String NETTY_IMPORTS = "io.netty.bootstrap,io.netty.buffer,io.netty.channel,io.netty.channel.socket,"
            + "io.netty.util,io.netty.util.concurrent";

    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();

    private TestBundles() {
        headers.put("Manifest-Version", "1.0");
    }

    /** A bundle with the given symbolic name and version. */
    static TestBundles bundle(String symbolicName, String version) {
        TestBundles b = new TestBundles();
        b.headers.put("Bundle-ManifestVersion", "2");
        b.headers.put("Bundle-SymbolicName", symbolicName);
        b.headers.put("Bundle-Version", version);
        return b;
    }

    /** A plain jar: no OSGi headers at all. */
    static TestBundles plainJar() {
        return new TestBundles();
    }

    TestBundles header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    TestBundles classes(Class<?>... types) throws IOException {
        for (Class<?> type : types) {
            String name = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("class file not found: " + name);
                }
                entries.put(name, in.readAllBytes());
            }
        }
        return this;
    }

    TestBundles resource(String path, String content) {
        entries.put(path, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Registers {@code implementation} under {@code spi} in META-INF/services (and adds its class). */
    TestBundles plugin(Class<?> spi, Class<?> implementation) throws IOException {
        services.computeIfAbsent(spi.getName(), k -> new ArrayList<>()).add(implementation.getName());
        return classes(implementation);
    }

    byte[] bytes() throws IOException {
        Manifest manifest = new Manifest();
        headers.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                put(jar, e.getKey(), e.getValue());
            }
            for (Map.Entry<String, List<String>> e : services.entrySet()) {
                put(jar, "META-INF/services/" + e.getKey(),
                        (String.join("\n", e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /**
     * Writes the jar to {@code target} the way a user copies a file into bundles/: to a temporary name
     * beside it, then renamed over it.
     */
    Path writeTo(Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(tmp, bytes());
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes the jar in place, slowly, like a copy over a slow link: a half-written file must be left alone. */
    void writeSlowly(Path target, int chunks, long pauseMillis) throws IOException, InterruptedException {
        byte[] bytes = bytes();
        try (OutputStream out = Files.newOutputStream(target)) {
            int step = Math.max(1, bytes.length / chunks);
            for (int off = 0; off < bytes.length; off += step) {
                out.write(bytes, off, Math.min(step, bytes.length - off));
                out.flush();
                Thread.sleep(pauseMillis);
            }
        }
    }

    private static void put(JarOutputStream jar, String name, byte[] content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(content);
        jar.closeEntry();
    }
}
