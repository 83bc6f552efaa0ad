package org.understudy.profile.vstarcam;

import java.net.InetSocketAddress;
import org.understudy.api.Endpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.understudy.api.Description;
import org.understudy.api.Secret;

/** Configuration of the VStarCam profile (pid {@code understudy.vstarcam}). */
@Description("VStarCam cameras (UIDs VSTA, VSTB, VSTC...) held in a PPPP LAN session while their P2P cloud is gone: found by "
        + "DH discovery or listed, kept alive (online state and keepalive round trip as readings), photographed over HTTP "
        + "(snapshot.cgi) into the picture timeline, and their attempts to reach the P2P servers counted.")
public record VstarcamConfig(
        @Description("Cameras to hold a session with whatever discovery finds: host or host:httpPort (HTTP port 80 when not "
                + "given; discovery tells the real one).") List<String> cameras,
        @Description("Where DH discovery requests are sent (UDP, to cameraDiscoveryPort): broadcast addresses "
                + "(255.255.255.255, 192.168.1.255) or hosts. Empty = no discovery, only the listed cameras.") List<String> broadcastAddresses,
        @Description("Local address every socket of this profile binds (0.0.0.0 = any interface).") String bindAddress,
        @Description("Local UDP port discovery is sent from; cameras broadcast their replies to it (6801 on every VStarCam).")
        int discoveryPort,
        @Description("UDP port cameras listen for DH discovery on (8600).") int cameraDiscoveryPort,
        @Description("UDP port cameras listen for the PPPP LAN search on (32108).") int cameraSessionPort,
        @Description("How often DH discovery requests are sent (3 per round).") Duration discoveryInterval,
        @Description("How often the gateway sends its own keepalive to a camera in session (the camera sends one about "
                + "every 0.5 s, answered at once).") Duration keepaliveInterval,
        @Description("A camera in session that sends nothing for this long is offline; the gateway searches for it again.")
        Duration offlineAfter,
        @Description("How often the LAN search is sent to a camera that is not in session; doubles each time it is not "
                + "answered, up to maxSearchInterval.") Duration searchInterval,
        @Description("Longest wait between LAN searches for a camera that stays away.") Duration maxSearchInterval,
        @Description("How long the punch handshake may take before the search starts over.") Duration punchTimeout,
        @Description("How often a camera in session is recorded (online, keepalive round trip); a change of its online "
                + "state is recorded at once.") Duration readingInterval,
        @Description("How often each camera is photographed (snapshot.cgi); 0s = only on the 'snapshot' action. Needs "
                + "username.") Duration snapshotInterval,
        @Description("How long one snapshot may take (connect, request, the whole picture).") Duration snapshotTimeout,
        @Description("Largest picture accepted, in bytes; a larger one is that snapshot's error.") int maxSnapshotBytes,
        @Description("The cameras' user for snapshot.cgi (admin on most). Empty = no snapshots.") String username,
        @Description("The cameras' password for snapshot.cgi (888888 on many out of the box).") @Secret String password,
        @Description("UDP port where the cameras' attempts to reach their P2P servers are counted, when DNS sends them to "
                + "the gateway (32100); nothing is answered. 0 = not counted.") int cloudPort) {

    public static final VstarcamConfig DEFAULTS = new VstarcamConfig(List.of(), List.of(), "0.0.0.0", 6801, 8600, 32108,
            Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(1),
            Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(10), 4 * 1024 * 1024, "", "", 0);

    public VstarcamConfig {
        cameras = List.copyOf(cameras == null ? List.of() : cameras);
        broadcastAddresses = List.copyOf(broadcastAddresses == null ? List.of() : broadcastAddresses);
        cameras.forEach(c -> Endpoints.unresolved(c, 80, "cameras"));
        broadcastAddresses.forEach(b -> Endpoints.unresolved(b, 1, "broadcastAddresses"));
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "0.0.0.0" : bindAddress.trim();
        port(discoveryPort, "discoveryPort", false);
        port(cameraDiscoveryPort, "cameraDiscoveryPort", false);
        port(cameraSessionPort, "cameraSessionPort", false);
        port(cloudPort, "cloudPort", true);
        between(discoveryInterval, "discoveryInterval", Duration.ofSeconds(5), Duration.ofDays(1));
        between(keepaliveInterval, "keepaliveInterval", Duration.ofMillis(200), Duration.ofSeconds(10));
        between(offlineAfter, "offlineAfter", Duration.ofSeconds(2), Duration.ofHours(1));
        between(searchInterval, "searchInterval", Duration.ofMillis(500), Duration.ofMinutes(10));
        between(maxSearchInterval, "maxSearchInterval", searchInterval, Duration.ofHours(1));
        between(punchTimeout, "punchTimeout", Duration.ofMillis(500), Duration.ofMinutes(1));
        between(readingInterval, "readingInterval", Duration.ofSeconds(1), Duration.ofDays(1));
        between(snapshotTimeout, "snapshotTimeout", Duration.ofMillis(500), Duration.ofMinutes(5));
        if (snapshotInterval == null || (!snapshotInterval.isZero() && snapshotInterval.compareTo(Duration.ofSeconds(10)) < 0)
                || snapshotInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("snapshotInterval must be 0s (off) or between 10 s and 1 day");
        }
        if (keepaliveInterval.multipliedBy(2).compareTo(offlineAfter) > 0) {
            throw new IllegalArgumentException("offlineAfter must be at least two keepaliveIntervals");
        }
        if (maxSnapshotBytes < 1024 || maxSnapshotBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("maxSnapshotBytes must be between 1024 and 67108864, got " + maxSnapshotBytes);
        }
        username = username == null ? "" : username.trim();
        password = password == null ? "" : password;
        if (username.contains(":")) {
            throw new IllegalArgumentException("username must not contain ':' (HTTP basic authentication)");
        }
    }

    private static void port(int port, String name, boolean zeroIsOff) {
        if (port < (zeroIsOff ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(name + " must be " + (zeroIsOff ? "0 (off) or " : "") + "a port (1-65535), got " + port);
        }
    }

    private static void between(Duration d, String name, Duration least, Duration most) {
        if (d == null || d.compareTo(least) < 0 || d.compareTo(most) > 0) {
            throw new IllegalArgumentException(name + " must be between " + org.understudy.api.Durations.format(least) + " and "
                    + org.understudy.api.Durations.format(most));
        }
    }

    /** The listed cameras: host and HTTP port. */
    List<InetSocketAddress> cameraAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        cameras.forEach(c -> out.add(Endpoints.unresolved(c, 80, "cameras")));
        return out;
    }

    /** Where discovery requests go. */
    List<InetSocketAddress> discoveryTargets() {
        List<InetSocketAddress> out = new ArrayList<>();
        broadcastAddresses.forEach(b -> out.add(Endpoints.unresolved(b, cameraDiscoveryPort, "broadcastAddresses")));
        return out;
    }

    /** Whether snapshots are taken at all (a user is configured). */
    boolean snapshots() {
        return !username.isEmpty();
    }
}
