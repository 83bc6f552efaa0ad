package org.understudy.profile.vstarcam;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One camera the gateway keeps: its session, what discovery said about it, its keepalive round trips since the
 * last reading, and its snapshots. Touched only on the driver's event loop, except {@link #view}, which other threads
 * read.
 */
final class Camera {

    /** Round trips kept for a reading's median: a minute of keepalives at the shortest interval, and more. */
    static final int RTT_SAMPLES = 512;

    /** The camera's IPv4 address (the key: datagrams are matched to cameras by it). */
    final String ip;
    /** Listed in the configuration. */
    final boolean listed;
    final Session session;
    /** Its HTTP port (from the list, then from discovery). */
    int httpPort;
    /** What its last discovery reply said, or {@code null}. */
    Dbr dbr;
    /** The id it is registered under (canonical DID), or {@code null} until known. */
    String deviceId;
    /** The latest keepalive round trips since the last reading, in microseconds (a ring: a long readingInterval keeps the newest). */
    private final long[] rtts = new long[RTT_SAMPLES];
    private int rttCount;
    long nextReading;
    long nextSnapshot;
    boolean snapshotting;
    Instant lastSnapshot;
    String lastSnapshotSha;
    String lastSnapshotError;
    long snapshots;
    long failedSnapshots;
    String offlineReason;
    /** What {@code status()} shows, refreshed on the loop. */
    volatile Map<String, Object> view = Map.of();

    Camera(String ip, boolean listed, int httpPort, Session session) {
        this.ip = ip;
        this.listed = listed;
        this.httpPort = httpPort;
        this.session = session;
    }

    void roundTrip(long micros) {
        rtts[rttCount++ % RTT_SAMPLES] = micros;
    }

    /** The median round trip since the last reading, in milliseconds, or {@code null}; forgets them. */
    Double takeMedianRttMs() {
        if (rttCount == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(rtts, Math.min(rttCount, RTT_SAMPLES));
        Arrays.sort(sorted);
        rttCount = 0;
        return sorted[sorted.length / 2] / 1000.0;
    }

    InetSocketAddress http() {
        return new InetSocketAddress(ip, httpPort);
    }

    /** The registry's attributes: what discovery said, where it is, whether it is in session. */
    Map<String, String> attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("type", "camera");
        a.put("address", ip);
        a.put("httpPort", String.valueOf(httpPort));
        if (dbr != null) {
            a.put("uid", dbr.uid());
            a.put("name", dbr.name());
            a.put("mac", dbr.macText());
            a.put("netmask", dbr.netmask());
            a.put("gateway", dbr.gateway());
            a.put("dns", String.join(",", java.util.stream.Stream.of(dbr.dns1(), dbr.dns2()).filter(s -> !s.isEmpty()).toList()));
        } else if (session.deviceId() != null) {
            a.put("uid", session.deviceId().toString());
        }
        a.put("online", String.valueOf(session.online()));
        return a;
    }

    void refreshView() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("address", ip);
        v.put("deviceId", deviceId);
        v.put("listed", listed);
        v.put("state", session.state().name().toLowerCase(java.util.Locale.ROOT));
        v.put("online", session.online());
        v.put("httpPort", httpPort);
        v.put("peer", session.peer() == null ? null : session.peer().getAddress().getHostAddress() + ":" + session.peer().getPort());
        v.put("alivesAnswered", session.alivesAnswered());
        v.put("alivesSent", session.alivesSent());
        v.put("searches", session.searches());
        v.put("drwAcked", session.drwAcked());
        v.put("strayDatagrams", session.unexpected());
        v.put("offlineReason", offlineReason);
        v.put("snapshots", snapshots);
        v.put("failedSnapshots", failedSnapshots);
        v.put("lastSnapshot", lastSnapshot == null ? null : lastSnapshot.toString());
        v.put("lastSnapshotSha256", lastSnapshotSha);
        v.put("lastSnapshotError", lastSnapshotError);
        view = java.util.Collections.unmodifiableMap(v);
    }
}
