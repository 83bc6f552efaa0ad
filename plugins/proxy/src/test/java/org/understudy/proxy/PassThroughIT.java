package org.understudy.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.model.Flow;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.TestPorts;

/**
 * TLS pass-through end to end: a real TLS server behind the proxy (its certificate for secure.test, so the
 * handshake only succeeds if the bytes reach it untouched), a client that pins that certificate, a
 * dnsmasq resolving the name, and an unknown SNI that must be closed.
 */
class PassThroughIT {

    @TempDir
    Path dir;

    @Test
    void declaredNamesAreSplicedUntouchedOthersAreClosed() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-dname", "CN=secure.test", "-ext", "SAN=dns:secure.test", "-validity", "2")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, new String(keytool.getInputStream().readAllBytes()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        // the same port number on two loopback addresses: pass-through keeps the port
        int port;
        SSLServerSocket server;
        while (true) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            try {
                server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(port, 10, InetAddress.getByName("127.0.0.2"));
                break;
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        SSLServerSocket tlsServer = server;
        int tlsPort = port;
        Thread echo = new Thread(() -> {
            while (!tlsServer.isClosed()) {
                try (SSLSocket s = (SSLSocket) tlsServer.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    for (String line; (line = in.readLine()) != null; ) {
                        out.println("cloud says " + line);
                    }
                } catch (Exception closedOrBadClient) {
                    // next
                }
            }
        });
        echo.setDaemon(true);
        echo.start();

        LoopbackDnsmasq dnsmasq = LoopbackDnsmasq.start(dir, Map.of("secure.test", "127.0.0.2", "other.test", "127.0.0.2"));
        PluginRuntime runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        try {
            runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
            runtime.configure("understudy.proxy", Map.of("port", String.valueOf(TestPorts.freeTcpPort()), "tlsPort", String.valueOf(port),
                    "resolvers", "127.0.0.1:" + dnsmasq.port()));
            runtime.add(ClasspathPlugins.discover(PassThroughIT.class.getClassLoader()));
            Thread.sleep(200);

            try (SSLSocket client = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters p = client.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName("secure.test")));
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must be secure.test's
                client.setSSLParameters(p);
                client.setSoTimeout(5000);
                new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("hello");
                String answer = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertEquals("cloud says hello", answer, "the real server's TLS, end to end, untouched");
            }

            // a fresh client context: the JDK would otherwise resume the first session, with its SNI
            SSLContext otherTls = SSLContext.getInstance("TLS");
            otherTls.init(null, tmf.getTrustManagers(), null);
            java.io.IOException refused = assertThrows(java.io.IOException.class, () -> {
                try (SSLSocket client = (SSLSocket) otherTls.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
                    SSLParameters p = client.getSSLParameters();
                    p.setServerNames(List.of(new SNIHostName("other.test")));
                    client.setSSLParameters(p);
                    client.setSoTimeout(5000);
                    client.startHandshake();
                }
            }, "a name no profile passes through is closed");
            assertTrue(!(refused instanceof java.net.SocketTimeoutException), "closed at once, not left hanging: " + refused);

            await("the pass-through was recorded as a flow (metadata only)").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gw/plugins/store-sqlite/readings.db"));
                             var rs = c.createStatement().executeQuery("SELECT host, method, outcome, target FROM flow WHERE method = 'TLS' AND outcome = 'PASSED_THROUGH'")) {
                            if (!rs.next()) {
                                return false;
                            }
                            assertEquals("secure.test", rs.getString(1));
                            assertEquals(Flow.Outcome.PASSED_THROUGH.name(), rs.getString(3));
                            assertTrue(rs.getString(4).startsWith("bytes up "), rs.getString(4));
                            return true;
                        }
                    });

            // a spliced connection still open when the proxy stops (here: restarts on a new configuration) is
            // closed with it, not left behind on the shared event loops
            try (SSLSocket client = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters p = client.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName("secure.test")));
                client.setSSLParameters(p);
                client.setSoTimeout(5000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8).println("still there?");
                assertEquals("cloud says still there?", in.readLine());
                runtime.configure("understudy.proxy", Map.of("port", String.valueOf(TestPorts.freeTcpPort()), "tlsPort",
                        String.valueOf(port), "resolvers", "127.0.0.1:" + dnsmasq.port(), "idleTimeout", "61s"));
                try {
                    assertEquals(null, in.readLine(), "the stream ends when the proxy stops");
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("the spliced connection outlived the proxy", e);
                } catch (java.io.IOException closed) {
                    // an abrupt close is a close too
                }
            }

            // the other name's refusal is recorded with its reason
            await("the refused name recorded").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tlsTargets("other.test").stream().anyMatch(t -> t.startsWith("refused: ")));

            // the cloud goes away: once that is known, a device's connection is refused at once, not left to time out
            tlsServer.close();
            for (int i = 0; i < 2; i++) {
                assertThrows(java.io.IOException.class, () -> {
                    try (SSLSocket client = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
                        SSLParameters p = client.getSSLParameters();
                        p.setServerNames(List.of(new SNIHostName("secure.test")));
                        client.setSSLParameters(p);
                        client.setSoTimeout(5000);
                        client.startHandshake();
                    }
                });
            }
            await("a refusal without trying the host recorded").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tlsTargets("secure.test").contains("refused: IllegalStateException: secure.test:" + tlsPort + " is unreachable"));
        } finally {
            runtime.close();
            tlsServer.close();
            dnsmasq.close();
        }
    }

    /** The targets of the TLS flows recorded for {@code host}. */
    private List<String> tlsTargets(String host) throws java.sql.SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gw/plugins/store-sqlite/readings.db"));
             var q = c.prepareStatement("SELECT target FROM flow WHERE method = 'TLS' AND host = ?")) {
            q.setString(1, host);
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
