package org.understudy.profile.vstarcam;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The PPPP LAN session with one camera, as a state machine without I/O: it is given what arrived and the time, and
 * says what to send ({@link Out}); the driver does the sending. Not thread-safe: one camera's session is only ever
 * touched on its driver's event loop.
 *
 * <pre>
 * DISCOVER --PunchPkt--> PUNCH --P2PRdy--> READY --Alive or AliveAck--> ALIVE
 *    ^                     |                 |                   |
 *    +---- punchTimeout ---+---- silent for offlineAfter, or Close from the camera ----+
 * any --stop--> CLOSING (Close sent) --> CLOSED
 * </pre>
 *
 * In DISCOVER the LAN search ({@code f1 30}) goes to the camera's address every {@code searchInterval}, doubling while
 * it is not answered (up to {@code maxSearchInterval}). A PunchPkt from the camera's address fixes the peer (its
 * address and port: the session stays on the ports the punch came from) and is answered with P2PRdy carrying the same
 * DID. Once in session every Alive is answered at once, the gateway sends its own every {@code keepaliveInterval} and
 * times the answer, every DRW is acknowledged, and anything heard from the peer counts as a sign of life.
 */
final class Session {

    enum State { DISCOVER, PUNCH, READY, ALIVE, CLOSING, CLOSED }

    /** A datagram to send. */
    record Out(byte[] bytes, InetSocketAddress to) {}

    /** What the driver learns from the session. */
    interface Listener {
        /** The session is up (the first keepalive answered). */
        void online(Session s);

        /** The session was up and is gone. */
        void offline(Session s, String why);

        /** A keepalive was answered after {@code rtt}. */
        void roundTrip(Session s, Duration rtt);
    }

    /** The timing, from the configuration. */
    record Timing(Duration keepalive, Duration offlineAfter, Duration search, Duration maxSearch, Duration punchTimeout) {}

    private final InetSocketAddress searchTarget;
    private final Timing timing;
    private final Listener listener;
    private State state = State.DISCOVER;
    private InetSocketAddress peer;
    private DeviceId deviceId;
    private long nextSearch;
    private long searchWait;
    private long punchDeadline;
    private long lastHeard;
    private long lastAliveSent;
    private long aliveOutstandingSince = -1;
    private boolean wasOnline;
    private long alivesAnswered;
    private long alivesSent;
    private long drwAcked;
    private long unexpected;
    private long searches;

    /** A session with the camera whose LAN search port is {@code searchTarget}; the first search goes at {@code now}. */
    Session(InetSocketAddress searchTarget, Timing timing, Listener listener, long now) {
        this.searchTarget = searchTarget;
        this.timing = timing;
        this.listener = listener;
        this.searchWait = timing.search().toNanos();
        this.nextSearch = now;
    }

    /** What to send at {@code now} (searches, keepalives), and the timeouts. */
    void tick(long now, List<Out> out) {
        switch (state) {
            case DISCOVER -> {
                if (now - nextSearch >= 0) {
                    out.add(new Out(Pppp.lanSearch(), searchTarget));
                    searches++;
                    nextSearch = now + searchWait;
                    searchWait = Math.min(searchWait * 2, timing.maxSearch().toNanos());
                }
            }
            case PUNCH -> {
                if (now - punchDeadline >= 0) {
                    rediscover(now, "the punch handshake did not finish within " + org.understudy.api.Durations.format(timing.punchTimeout()));
                }
            }
            case READY, ALIVE -> {
                if (now - lastHeard >= timing.offlineAfter().toNanos()) {
                    rediscover(now, "silent for " + org.understudy.api.Durations.format(timing.offlineAfter()));
                } else if (now - lastAliveSent >= timing.keepalive().toNanos()) {
                    out.add(new Out(Pppp.alive(), peer));
                    alivesSent++;
                    lastAliveSent = now;
                    if (aliveOutstandingSince < 0) {
                        aliveOutstandingSince = now;
                    }
                }
            }
            default -> {
                // CLOSING, CLOSED: nothing more
            }
        }
    }

    /** A message {@code m} from {@code from}, which the driver has matched to this camera's address. */
    void received(Pppp.Message m, InetSocketAddress from, long now, List<Out> out) throws PacketException {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        if (m.type() == Pppp.Type.PUNCH_PKT) {
            DeviceId id = Pppp.deviceId(m);
            if (state == State.DISCOVER || !from.equals(peer)) {
                if (peer != null && state != State.DISCOVER) {
                    // the camera restarted its side (a new port): follow it
                    end(now, "the camera started a new session from port " + from.getPort());
                }
                peer = from;
                deviceId = id;
                state = State.PUNCH;
                punchDeadline = now + timing.punchTimeout().toNanos();
            }
            lastHeard = now;
            out.add(new Out(Pppp.p2pRdy(id), peer));
            return;
        }
        if (peer == null || !from.equals(peer)) {
            unexpected++; // not the session's port: a stray datagram, or another controller's
            return;
        }
        lastHeard = now;
        switch (m.type()) {
            case P2P_RDY -> {
                if (state == State.PUNCH) {
                    up(now, out);
                }
            }
            case ALIVE -> {
                out.add(new Out(Pppp.aliveAck(), peer));
                alivesAnswered++;
                if (state == State.PUNCH) {
                    up(now, out); // the camera is in session already: its P2PRdy was lost
                }
                alive(); // a camera that keeps the session alive is in it, whether or not it answers the gateway's
            }
            case ALIVE_ACK -> {
                if (aliveOutstandingSince >= 0) {
                    listener.roundTrip(this, Duration.ofNanos(now - aliveOutstandingSince));
                    aliveOutstandingSince = -1;
                }
                if (state == State.PUNCH) {
                    up(now, out);
                }
                alive();
            }
            case DRW -> {
                Pppp.Drw drw = Pppp.drw(m);
                out.add(new Out(Pppp.drwAck(drw.channel(), List.of(drw.index())), peer));
                drwAcked++;
            }
            case CLOSE -> rediscover(now, "the camera closed the session");
            default -> unexpected++; // LanSearch or a DRWAck: never asked for by the gateway
        }
    }

    /** Ends the session: Close to the camera when one is up. */
    void close(List<Out> out) {
        if (peer != null && state != State.DISCOVER && state != State.CLOSED) {
            state = State.CLOSING;
            out.add(new Out(Pppp.close(), peer));
        }
        state = State.CLOSED;
    }

    /** Searches again now (a discovery reply says the camera is there, perhaps at a new address). */
    void searchNow(long now) {
        if (state == State.DISCOVER) {
            nextSearch = now;
            searchWait = timing.search().toNanos();
        }
    }

    /** A keepalive from the camera, either way: the session is up. */
    private void alive() {
        if (state == State.READY) {
            state = State.ALIVE;
            if (!wasOnline) {
                wasOnline = true;
                listener.online(this);
            }
        }
    }

    private void up(long now, List<Out> out) {
        state = State.READY;
        searchWait = timing.search().toNanos();
        out.add(new Out(Pppp.alive(), peer)); // the first keepalive at once: its answer makes the session ALIVE
        alivesSent++;
        lastAliveSent = now;
        aliveOutstandingSince = now;
    }

    private void rediscover(long now, String why) {
        end(now, why);
        nextSearch = now;
    }

    private void end(long now, String why) {
        state = State.DISCOVER;
        peer = null;
        aliveOutstandingSince = -1;
        if (wasOnline) {
            wasOnline = false;
            listener.offline(this, why);
        }
    }

    State state() {
        return state;
    }

    /** The camera's address and port in session, or {@code null}. */
    InetSocketAddress peer() {
        return peer;
    }

    /** Where the LAN search goes. */
    InetSocketAddress searchTarget() {
        return searchTarget;
    }

    /** The DID from the last PunchPkt, or {@code null}. */
    DeviceId deviceId() {
        return deviceId;
    }

    boolean online() {
        return wasOnline;
    }

    long alivesAnswered() {
        return alivesAnswered;
    }

    long alivesSent() {
        return alivesSent;
    }

    long drwAcked() {
        return drwAcked;
    }

    long unexpected() {
        return unexpected;
    }

    long searches() {
        return searches;
    }
}
