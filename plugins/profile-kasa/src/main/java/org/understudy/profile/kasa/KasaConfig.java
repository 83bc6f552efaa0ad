package org.understudy.profile.kasa;

import java.net.InetSocketAddress;
import org.understudy.api.Endpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.understudy.api.Description;

/** Configuration of the Kasa profile (pid {@code understudy.kasa}). */
@Description("TP-Link Kasa plugs and power strips (HS100/HS103/HS105/HS110/HS300, KP1xx) on the legacy local protocol "
        + "(TCP 9999): found by UDP discovery or listed, polled into readings (relay, on time, signal, LED, power, "
        + "voltage, current, energy), switched by actions; their cloud connection is passed through untouched.")
public record KasaConfig(
        @Description("Plugs to poll whatever discovery finds: host or host:port (port 9999 when not given).") List<String> devices,
        @Description("Where discovery probes are sent: broadcast addresses (255.255.255.255, 192.168.1.255) or hosts, "
                + "each optionally :port (9999). Empty = no discovery, only the listed devices.") List<String> broadcastAddresses,
        @Description("Local address discovery sends from (0.0.0.0 = any interface).") String discoveryBindAddress,
        @Description("How often discovery probes are sent (3 probes per round).") Duration discoveryInterval,
        @Description("Port newer plugs (KLAP/AES only, not supported) answer discovery on; they are listed as unsupported. "
                + "0 = do not look for them.") int klapDiscoveryPort,
        @Description("How often each plug is polled.") Duration pollInterval,
        @Description("Readings of the polls answered within this time are written to the store together, in one commit "
                + "(a commit costs a disk sync: one per poll would be most of a poll's cost); at most this much of the "
                + "latest readings is lost if power fails. 0s = each poll's readings are written at once.")
        Duration recordBatchInterval,
        @Description("How long one request to a plug may take (connect, send, reply).") Duration requestTimeout,
        @Description("How long the connection to a plug is kept open without a request, for the next poll or action "
                + "(a new connection per poll costs the gateway and the plug more); at most 1 hour. 0s = closed after "
                + "each reply.") Duration keepConnection,
        @Description("Missed polls after which a plug is marked offline (it is back online at its next answer).")
        int offlineAfterMissedPolls,
        @Description("Largest reply accepted from a plug, in bytes; a larger one is that plug's error.") int maxReplyBytes,
        @Description("Refuse TP-Link's firmware download host (automatic updates are how plugs lose the local protocol); "
                + "each refused attempt is recorded. The device cloud itself stays passed through.") boolean blockFirmwareUpdates) {

    /** The port of the legacy protocol, TCP and UDP. */
    static final int PORT = 9999;

    public static final KasaConfig DEFAULTS = new KasaConfig(List.of(), List.of(), "0.0.0.0", Duration.ofMinutes(1), 20002,
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(1), 3, 65536, true);

    public KasaConfig {
        devices = List.copyOf(devices == null ? List.of() : devices);
        broadcastAddresses = List.copyOf(broadcastAddresses == null ? List.of() : broadcastAddresses);
        devices.forEach(d -> address(d, "devices"));
        broadcastAddresses.forEach(b -> address(b, "broadcastAddresses"));
        discoveryBindAddress = discoveryBindAddress == null || discoveryBindAddress.isBlank() ? "0.0.0.0" : discoveryBindAddress.trim();
        positive(discoveryInterval, "discoveryInterval", Duration.ofSeconds(5));
        positive(pollInterval, "pollInterval", Duration.ofSeconds(1));
        positive(requestTimeout, "requestTimeout", Duration.ofMillis(100));
        if (recordBatchInterval == null || recordBatchInterval.isNegative() || recordBatchInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("recordBatchInterval must be between 0 and 1 minute");
        }
        if (keepConnection == null || keepConnection.isNegative() || keepConnection.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("keepConnection must be between 0 and 1 hour");
        }
        if (requestTimeout.compareTo(pollInterval) > 0) {
            throw new IllegalArgumentException("requestTimeout must not be longer than pollInterval");
        }
        if (klapDiscoveryPort < 0 || klapDiscoveryPort > 65535) {
            throw new IllegalArgumentException("klapDiscoveryPort must be 0 (off) or a port, got " + klapDiscoveryPort);
        }
        if (offlineAfterMissedPolls < 1 || offlineAfterMissedPolls > 100) {
            throw new IllegalArgumentException("offlineAfterMissedPolls must be between 1 and 100, got " + offlineAfterMissedPolls);
        }
        if (maxReplyBytes < 1024 || maxReplyBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxReplyBytes must be between 1024 and 16777216, got " + maxReplyBytes);
        }
    }

    private static void positive(Duration d, String name, Duration least) {
        if (d == null || d.compareTo(least) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + least.toMillis() + " ms");
        }
    }

    /** {@code host[:port]} as an unresolved address, port 9999 when not given. */
    static InetSocketAddress address(String entry, String setting) {
        return Endpoints.unresolved(entry, PORT, setting);
    }

    /** The listed devices as addresses. */
    List<InetSocketAddress> deviceAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        devices.forEach(d -> out.add(address(d, "devices")));
        return out;
    }

    /** The discovery targets as addresses. */
    List<InetSocketAddress> discoveryTargets() {
        List<InetSocketAddress> out = new ArrayList<>();
        broadcastAddresses.forEach(b -> out.add(address(b, "broadcastAddresses")));
        return out;
    }
}
