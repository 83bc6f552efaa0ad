package org.understudy.profile.vstarcam;

import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * A VStarCam camera on loopback, built from the protocol facts of PROTOCOLS.md 5 (no captured vendor code): it answers
 * DH discovery on its {@code dhPort} with its 524-byte record, answers a LAN search on its {@code searchPort} with a
 * PunchPkt from a session port of its own, completes the punch with P2PRdy, sends an Alive every {@code aliveInterval}
 * and answers every Alive, closes a session whose controller has been silent for {@code sessionTimeout}, and serves a
 * JPEG (a new one each time) on {@code /snapshot.cgi} to HTTP basic authentication. It can go {@link Mode#SILENT}
 * (hears, says nothing) or {@link Mode#GARBAGE} (answers everything with random bytes, sprays its controller's ports).
 * Its datagram sockets are served by a {@link FakeCameraFleet}'s one thread.
 */
public final class FakeCamera {

    /** How the camera behaves. */
    public enum Mode { NORMAL, SILENT, GARBAGE }

    final String ip;
    final DeviceId id;
    final DatagramChannel dh;
    final DatagramChannel search;
    final DatagramChannel session;
    private final HttpServer http;
    private final String user;
    private final String password;
    private final long aliveIntervalNanos;
    private final long sessionTimeoutNanos;
    volatile Mode mode = Mode.NORMAL;
    private SocketAddress controller;
    private boolean inSession;
    private long lastHeard;
    private long lastAliveSent;
    private long punchesLeft;
    private long nextPunch;
    final AtomicLong alivesSent = new AtomicLong();
    final AtomicLong aliveAcksReceived = new AtomicLong();
    /** Alives of the camera's not answered before its next one (the gateway missed them). */
    final AtomicLong missedAnswers = new AtomicLong();
    private boolean awaitingAck;
    final AtomicLong alivesAnswered = new AtomicLong();
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong closesReceived = new AtomicLong();
    final AtomicLong discoveryRequests = new AtomicLong();
    final AtomicLong snapshotsServed = new AtomicLong();
    final AtomicLong snapshotsRefused = new AtomicLong();

    FakeCamera(String ip, DeviceId id, int dhPort, int searchPort, boolean serveHttp, String user, String password,
            long aliveIntervalNanos, long sessionTimeoutNanos) throws IOException {
        this.ip = ip;
        this.id = id;
        this.user = user;
        this.password = password;
        this.aliveIntervalNanos = aliveIntervalNanos;
        this.sessionTimeoutNanos = sessionTimeoutNanos;
        dh = open(new InetSocketAddress(ip, dhPort));
        search = open(new InetSocketAddress(ip, searchPort));
        session = open(new InetSocketAddress(ip, 0));
        if (serveHttp) {
            http = HttpServer.create(new InetSocketAddress(ip, 0), 16);
            http.createContext("/snapshot.cgi", exchange -> {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                byte[] body;
                if (mode == Mode.GARBAGE) {
                    body = "<html>not a picture</html>".getBytes(StandardCharsets.US_ASCII);
                    exchange.getResponseHeaders().set("Content-Type", "text/html");
                    exchange.sendResponseHeaders(200, body.length);
                } else if (!expected.equals(auth)) {
                    snapshotsRefused.incrementAndGet();
                    body = "401 Unauthorized".getBytes(StandardCharsets.US_ASCII);
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"ipcam\"");
                    exchange.sendResponseHeaders(401, body.length);
                } else {
                    body = jpeg(snapshotsServed.incrementAndGet());
                    exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
                    exchange.sendResponseHeaders(200, body.length);
                }
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
        } else {
            http = null;
        }
    }

    private static DatagramChannel open(InetSocketAddress at) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.configureBlocking(false);
        ch.bind(at);
        return ch;
    }

    /** The HTTP port (0 without HTTP). */
    public int httpPort() {
        return http == null ? 0 : http.getAddress().getPort();
    }

    public String ip() {
        return ip;
    }

    /** The device id the gateway registers it under. */
    public String deviceId() {
        return id.toString();
    }

    /** Switches behaviour; going silent is the camera gone (unplugged, out of range): its session is forgotten. */
    public synchronized void mode(Mode m) {
        mode = m;
        if (m == Mode.SILENT) {
            inSession = false;
            controller = null;
        }
    }

    public long alivesSent() {
        return alivesSent.get();
    }

    public long aliveAcksReceived() {
        return aliveAcksReceived.get();
    }

    public long sessions() {
        return sessions.get();
    }

    public long closesReceived() {
        return closesReceived.get();
    }

    public long snapshotsServed() {
        return snapshotsServed.get();
    }

    /** Whether a controller holds a session with it now. */
    public synchronized boolean inSession() {
        return inSession;
    }

    /** The record its discovery reply carries. */
    Dbr record() {
        int n = (int) (id.serial() % 250);
        return new Dbr(ip, "255.0.0.0", "127.0.0.1", "127.0.0.1", "", new byte[] {0x00, 0x11, 0x22, 0x33, 0x44, (byte) n},
                httpPort(), id.prefix() + id.serial() + id.check(), "Fake camera " + id.serial());
    }

    /** A datagram {@code bytes} from {@code from} arrived on {@code ch}; on the fleet thread. */
    synchronized void received(DatagramChannel ch, byte[] bytes, SocketAddress from, long now) throws IOException {
        if (mode == Mode.SILENT) {
            return;
        }
        if (mode == Mode.GARBAGE) {
            ch.send(ByteBuffer.wrap(garbage()), from);
            if (ch == search) {
                controller = from;
            }
            return;
        }
        if (ch == dh) {
            if (Dbr.isRequest(bytes)) {
                discoveryRequests.incrementAndGet();
                dh.send(ByteBuffer.wrap(record().toWire()), from);
            }
            return;
        }
        Pppp.Message m;
        try {
            m = Pppp.parse(bytes);
        } catch (PacketException notPppp) {
            return; // a camera ignores what it cannot read
        }
        if (ch == search) {
            if (m.type() == Pppp.Type.LAN_SEARCH) {
                if (inSession && from.equals(controller)) {
                    // a search that crossed the punch: punched again, the session goes on
                    session.send(ByteBuffer.wrap(Pppp.punchPkt(id)), from);
                    return;
                }
                controller = from;
                inSession = false;
                punchesLeft = 5;
                nextPunch = now;
                punch(now);
            }
            return;
        }
        if (!from.equals(controller)) {
            return;
        }
        lastHeard = now;
        switch (m.type()) {
            case PUNCH_PKT, P2P_RDY -> {
                session.send(ByteBuffer.wrap(Pppp.p2pRdy(id)), from);
                if (!inSession) {
                    inSession = true;
                    awaitingAck = false;
                    punchesLeft = 0;
                    sessions.incrementAndGet();
                    lastAliveSent = now;
                }
            }
            case ALIVE -> {
                session.send(ByteBuffer.wrap(Pppp.aliveAck()), from);
                alivesAnswered.incrementAndGet();
            }
            case ALIVE_ACK -> {
                aliveAcksReceived.incrementAndGet();
                awaitingAck = false;
            }
            case CLOSE -> {
                closesReceived.incrementAndGet();
                inSession = false;
                controller = null;
            }
            default -> {
                // DRW and the rest: not part of what this camera does
            }
        }
    }

    /** Timers: punches, keepalives, the session timeout, garbage; on the fleet thread. */
    synchronized void tick(long now) throws IOException {
        if (controller == null || mode == Mode.SILENT) {
            return;
        }
        if (mode == Mode.GARBAGE) {
            session.send(ByteBuffer.wrap(garbage()), controller);
            return;
        }
        if (!inSession) {
            punch(now);
            return;
        }
        if (now - lastHeard > sessionTimeoutNanos) {
            session.send(ByteBuffer.wrap(Pppp.close()), controller);
            inSession = false;
            controller = null;
            return;
        }
        if (now - lastAliveSent >= aliveIntervalNanos) {
            if (awaitingAck) {
                missedAnswers.incrementAndGet();
            }
            awaitingAck = true;
            session.send(ByteBuffer.wrap(Pppp.alive()), controller);
            alivesSent.incrementAndGet();
            lastAliveSent = now;
        }
    }

    private void punch(long now) throws IOException {
        if (punchesLeft > 0 && now - nextPunch >= 0) {
            session.send(ByteBuffer.wrap(Pppp.punchPkt(id)), controller);
            punchesLeft--;
            nextPunch = now + 300_000_000L;
        }
    }

    private static byte[] garbage() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] b = new byte[r.nextInt(0, 700)];
        r.nextBytes(b);
        if (b.length >= 4 && r.nextBoolean()) {
            b[0] = (byte) 0xf1; // looks like PPPP, with a random type and length
        }
        return b;
    }

    /** A small JPEG showing {@code n}: each snapshot differs. */
    static byte[] jpeg(long n) throws IOException {
        BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color((int) (n * 37 % 255), 90, 160));
        g.fillRect(0, 0, 160, 120);
        g.setColor(Color.WHITE);
        g.drawString("snapshot " + n, 20, 60);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    void close() throws IOException {
        dh.close();
        search.close();
        session.close();
        if (http != null) {
            http.stop(0);
        }
    }
}
