package org.understudy.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that boot the distribution's real bundle set ({@code target/understudy/system/*.jar},
 * the runtime last, as the launcher does) with an installation directory of the test's own.
 */
final class DistributionOptions {

    static final String ADMIN_PASSWORD = "it-admin-password";

    private DistributionOptions() {
    }

    static boolean isFragment(Path jar) throws IOException {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            return f.getManifest() != null && f.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        }
    }

    static Path dist() {
        return Path.of(System.getProperty("understudy.dist", "target/understudy")).toAbsolutePath();
    }

    /** The home used by test {@code name}: fresh conf/, bundles/ and data/. */
    static Path home(String name) {
        return dist().getParent().resolve("it").resolve(name);
    }

    static Option[] options(String name, boolean shippedPlugins) {
        return options(name, shippedPlugins, java.util.Map.of());
    }

    /**
     * @param confFiles files to write into conf/ before start (name to content); the shipped DNS
     *     server always gets a free loopback port, never 53
     */
    static Option[] options(String name, boolean shippedPlugins, java.util.Map<String, String> confFiles) {
        Path home = home(name);
        try {
            deleteRecursively(home);
            Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("bundles"));
            Files.createDirectories(home.resolve("data"));
            if (shippedPlugins) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist().resolve("bundles"), "*.jar")) {
                    for (Path jar : jars) {
                        Files.copy(jar, home.resolve("bundles").resolve(jar.getFileName()));
                    }
                }
            }
            Files.writeString(home.resolve("conf/understudy.dns.cfg"),
                    "host=127.0.0.1\nport=" + freeUdpPort() + "\n");
            Files.writeString(home.resolve("conf/understudy.proxy.cfg"),
                    "host=127.0.0.1\nport=" + freeTcpPort() + "\ntlsPort=" + freeTcpPort() + "\n");
            for (var f : confFiles.entrySet()) {
                Files.writeString(home.resolve("conf").resolve(f.getKey()), f.getValue());
            }
            List<Option> options = new ArrayList<>();
            options.add(systemPackages("org.slf4j;version=2.0.17", "org.slf4j.event;version=2.0.17",
                    "org.slf4j.helpers;version=2.0.17", "org.slf4j.spi;version=2.0.17",
                    "org.slf4j;version=1.7.36", "org.slf4j.helpers;version=1.7.36"));
            for (Path jar : systemBundles()) {
                // fragments (the native epoll libraries) attach to their host; they cannot be started
                options.add(isFragment(jar) ? bundle(jar.toUri().toString()).noStart() : bundle(jar.toUri().toString()));
            }
            options.add(junitBundles());
            // tests wait for what they observe with Awaitility (an OSGi bundle, on hamcrest 2)
            options.add(mavenBundle("org.hamcrest", "hamcrest", "2.2"));
            options.add(mavenBundle("org.awaitility", "awaitility", "4.3.0"));
            options.add(cleanCaches(true));
            options.add(frameworkProperty("understudy.home").value(home.toString()));
            options.add(frameworkProperty("understudy.data").value(home.resolve("data").toString()));
            options.add(frameworkProperty("understudy.conf").value(home.resolve("conf").toString()));
            options.add(frameworkProperty("understudy.bundles").value(home.resolve("bundles").toString()));
            options.add(frameworkProperty("understudy.poll.interval").value("200"));
            options.add(frameworkProperty("understudy.admin.password").value(ADMIN_PASSWORD));
            options.add(frameworkProperty("felix.cm.dir").value(home.resolve("data/config").toString()));
            options.add(frameworkProperty("felix.webconsole.security.providers").value("understudy"));
            options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
            options.add(frameworkProperty("org.osgi.service.http.port").value(String.valueOf(freeTcpPort())));
            return options.toArray(Option[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> systemBundles() throws IOException {
        try (Stream<Path> jars = Files.list(dist().resolve("system"))) {
            return jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().startsWith("understudy-core"))
                            .thenComparing(Comparator.naturalOrder()))
                    .toList();
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Ports already handed out: a server started just before may not have bound its port yet. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A loopback port free for both UDP and TCP, as a DNS server binds both; never the same one twice. */
    static int freeUdpPort() throws IOException {
        while (true) {
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
                 java.net.ServerSocket tcp = new java.net.ServerSocket(udp.getLocalPort(), 1, java.net.InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(tcp.getLocalPort())) {
                    return tcp.getLocalPort();
                }
            } catch (java.net.BindException takenForTcp) {
                // try another
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
