package org.understudy.profile.kasa;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.model.Flow;
import org.understudy.api.model.StoredFlow;
import org.understudy.core.ClasspathPlugins;
import org.understudy.core.PluginRuntime;
import org.understudy.core.testing.TestPorts;
import org.understudy.proxy.StrictStation;

/**
 * The plugs' cloud through the real proxy: TP-Link's device cloud names (regional ones too) are passed through,
 * a connection to one that cannot be reached is refused at once, and the firmware download host is refused over
 * HTTP and TLS alike, each attempt recorded; with {@code blockFirmwareUpdates=false} it is left alone.
 */
class KasaCloudIT {

    @TempDir
    Path dir;

    @Test
    void theCloudIsPassedThroughAndFirmwareDownloadsAreRefusedAndRecorded() throws Exception {
        int http = TestPorts.freeTcpPort();
        int tls = TestPorts.freeTcpPort();
        PluginRuntime runtime = new PluginRuntime(dir.resolve("gw"), dir.resolve("conf"), k -> null, Clock.systemUTC());
        try {
            runtime.configure("understudy.runtime", Map.of("readingStore", "store-sqlite"));
            // no resolver answers: as when the uplink is down
            runtime.configure("understudy.proxy", Map.of("port", String.valueOf(http), "tlsPort", String.valueOf(tls),
                    "resolvers", "127.0.0.1:" + TestPorts.freeTcpPort(), "connectTimeout", "500ms"));
            runtime.configure("understudy.kasa", Map.of("pollInterval", "10s"));
            runtime.add(ClasspathPlugins.discover(KasaCloudIT.class.getClassLoader()).stream()
                    .filter(d -> List.of("kasa", "store-sqlite", "proxy").contains(d.id())).toList());
            ProfileDirectory names = runtime.profiles();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> names.passThroughOf("devs.tplinkcloud.com").isPresent()
                        && String.valueOf(org.understudy.core.testing.PluginStatus.of(runtime, "proxy").get("listening")).contains(":" + http));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the proxy and the profile did not come up: " + runtime.status(), e);
            }
            assertEquals(Optional.of("kasa"), names.passThroughOf("n-use1-devs.tplinkcloud.com").map(p -> p.id()), "a regional cloud");
            assertEquals(Optional.of("kasa"), names.passThroughOf("N-DEVS.tplinkcloud.com.").map(p -> p.id()));
            assertTrue(names.passThroughOf("wap.tplinkcloud.com").isEmpty(), "the app's host is none of the plugs' business");
            assertTrue(names.passThroughPorts().contains(50443));
            assertEquals(Optional.of("kasa"), names.interceptorOf("download.tplinkcloud.com").map(p -> p.id()));

            StrictStation.Response refused = StrictStation.post("127.0.0.1", http, "download.tplinkcloud.com",
                    "/firmware/HS110v4_1.1.0.bin", new byte[0], 5000);
            assertEquals(403, refused.status());
            assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("blockFirmwareUpdates"));
            long started = System.nanoTime();
            for (String sni : new String[] {"download.tplinkcloud.com", "use1-devs.tplinkcloud.com"}) {
                assertThrows(java.io.IOException.class, () -> handshake(tls, sni), sni + " is refused");
            }
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "refused, not left to time out");

            await().atMost(Duration.ofSeconds(20)).until(() -> flows(runtime).stream().anyMatch(f -> f.host().equals("use1-devs.tplinkcloud.com")));
            List<Flow> flows = flows(runtime);
            assertTrue(flows.stream().anyMatch(f -> f.host().equals("download.tplinkcloud.com") && f.status() == 403 && f.profile().equals("kasa")),
                    "the HTTP download refused and recorded: " + flows);
            assertTrue(flows.stream().anyMatch(f -> f.host().equals("download.tplinkcloud.com") && f.outcome() == Flow.Outcome.REJECTED
                    && f.method().equals("TLS") && f.profile().equals("kasa")), "the TLS download refused and recorded: " + flows);
            assertTrue(flows.stream().anyMatch(f -> f.host().equals("use1-devs.tplinkcloud.com") && f.outcome() == Flow.Outcome.REJECTED
                    && f.target().startsWith("refused: ")), "the unreachable cloud refused and recorded: " + flows);

            runtime.configure("understudy.kasa", Map.of("pollInterval", "10s", "blockFirmwareUpdates", "false"));
            await().atMost(Duration.ofSeconds(10)).until(() -> names.interceptorOf("download.tplinkcloud.com").isEmpty());
            assertTrue(names.passThroughOf("devs.tplinkcloud.com").isPresent(), "the cloud itself stays passed through");
        } finally {
            runtime.close();
        }
    }

    private static void handshake(int port, String sni) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        try (SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = client.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            client.setSSLParameters(p);
            client.setSoTimeout(15_000);
            client.startHandshake();
        }
    }

    private static List<Flow> flows(PluginRuntime runtime) {
        try {
            return runtime.flowLog().after(0, null, null, 100).stream().map(StoredFlow::flow).toList();
        } catch (org.understudy.api.RecordException e) {
            throw new IllegalStateException(e);
        }
    }
}
