package org.understudy.profile.vstarcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session state machine on a clock of its own: what it sends, when it gives up, and what it tells. */
class SessionTest {

    private static final long MS = 1_000_000L;
    private final InetSocketAddress searchTarget = new InetSocketAddress("127.0.0.9", 32108);
    private final InetSocketAddress camera = new InetSocketAddress("127.0.0.9", 40001);
    private final DeviceId id = DeviceId.parse("VSTC-123456-ABCDE");
    private final List<String> events = new ArrayList<>();
    private final Session.Listener listener = new Session.Listener() {
        @Override
        public void online(Session s) {
            events.add("online");
        }

        @Override
        public void offline(Session s, String why) {
            events.add("offline: " + why);
        }

        @Override
        public void roundTrip(Session s, Duration rtt) {
            events.add("rtt " + rtt.toMillis());
        }
    };
    private final Session session = new Session(searchTarget, new Session.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(2), Duration.ofSeconds(16), Duration.ofSeconds(3)), listener, 0);

    private List<Session.Out> tick(long ms) {
        List<Session.Out> out = new ArrayList<>();
        session.tick(ms * MS, out);
        return out;
    }

    private List<Session.Out> receive(byte[] bytes, InetSocketAddress from, long ms) throws Exception {
        List<Session.Out> out = new ArrayList<>();
        session.received(Pppp.parse(bytes), from, ms * MS, out);
        return out;
    }

    private void up() throws Exception {
        tick(0);
        receive(Pppp.punchPkt(id), camera, 10);
        receive(Pppp.p2pRdy(id), camera, 20);
        receive(Pppp.aliveAck(), camera, 25);
    }

    @Test
    void searchesUntilAnsweredBackingOffToTheLongestWait() {
        List<Long> sentAt = new ArrayList<>();
        for (long ms = 0; ms <= 60_000; ms += 100) {
            for (Session.Out o : tick(ms)) {
                assertArrayEquals(Pppp.lanSearch(), o.bytes());
                assertEquals(searchTarget, o.to());
                sentAt.add(ms);
            }
        }
        assertEquals(List.of(0L, 2000L, 6000L, 14000L, 30000L, 46000L), sentAt);
        assertEquals(Session.State.DISCOVER, session.state());
    }

    @Test
    void punchReadyAliveAndTheRoundTrip() throws Exception {
        tick(0);
        List<Session.Out> rdy = receive(Pppp.punchPkt(id), camera, 10);
        assertEquals(Session.State.PUNCH, session.state());
        assertArrayEquals(Pppp.p2pRdy(id), rdy.get(0).bytes());
        assertEquals(camera, rdy.get(0).to());
        assertEquals(id, session.deviceId());
        List<Session.Out> alive = receive(Pppp.p2pRdy(id), camera, 20);
        assertEquals(Session.State.READY, session.state());
        assertArrayEquals(Pppp.alive(), alive.get(0).bytes());
        receive(Pppp.aliveAck(), camera, 27);
        assertEquals(Session.State.ALIVE, session.state());
        assertEquals(List.of("rtt 7", "online"), events);
        // the camera's Alive is answered at once; its keepalive from another port is not the session's
        assertArrayEquals(Pppp.aliveAck(), receive(Pppp.alive(), camera, 400).get(0).bytes());
        assertTrue(receive(Pppp.alive(), new InetSocketAddress("127.0.0.9", 40002), 410).isEmpty());
        assertEquals(1, session.unexpected());
        // the gateway's own keepalive every second
        assertTrue(tick(900).isEmpty());
        assertArrayEquals(Pppp.alive(), tick(1020).get(0).bytes());
        assertTrue(tick(1500).isEmpty());
        // a DRW is acknowledged with its channel and index
        List<Session.Out> ack = receive(Pppp.drw(0, 77, new byte[] {1, 2}), camera, 1600);
        assertEquals(new Pppp.DrwAck(0, List.of(77)), Pppp.drwAck(Pppp.parse(ack.get(0).bytes())));
    }

    @Test
    void aSilentCameraGoesOfflineAndIsSearchedForAgain() throws Exception {
        up();
        for (long ms = 100; ms < 5025; ms += 100) {
            tick(ms);
        }
        assertEquals(Session.State.ALIVE, session.state());
        List<Session.Out> out = tick(5100);
        assertEquals(Session.State.DISCOVER, session.state());
        assertEquals("offline: silent for 5s", events.get(events.size() - 1));
        assertTrue(out.isEmpty());
        assertArrayEquals(Pppp.lanSearch(), tick(5200).get(0).bytes());
        // back: online again, told once more
        receive(Pppp.punchPkt(id), camera, 5300);
        receive(Pppp.p2pRdy(id), camera, 5310);
        receive(Pppp.aliveAck(), camera, 5320);
        assertEquals("online", events.get(events.size() - 1));
    }

    @Test
    void aCameraThatOnlySendsItsOwnKeepaliveIsInSessionToo() throws Exception {
        tick(0);
        receive(Pppp.punchPkt(id), camera, 10);
        // its P2PRdy lost, the gateway's keepalive never answered: its own Alive says it is in session
        List<Session.Out> out = receive(Pppp.alive(), camera, 30);
        assertArrayEquals(Pppp.aliveAck(), out.get(0).bytes());
        assertEquals(Session.State.ALIVE, session.state());
        assertEquals(List.of("online"), events);
    }

    @Test
    void aPunchThatDoesNotFinishStartsOver() throws Exception {
        tick(0);
        receive(Pppp.punchPkt(id), camera, 10);
        tick(3000);
        assertEquals(Session.State.PUNCH, session.state());
        tick(3010);
        assertEquals(Session.State.DISCOVER, session.state());
        assertTrue(events.isEmpty()); // never online: nothing to tell
    }

    @Test
    void theCamerasCloseIsFollowedAndTheGatewaysCloseSentOnStop() throws Exception {
        up();
        receive(Pppp.close(), camera, 100);
        assertEquals(Session.State.DISCOVER, session.state());
        assertEquals("offline: the camera closed the session", events.get(events.size() - 1));
        up();
        List<Session.Out> out = new ArrayList<>();
        session.close(out);
        assertArrayEquals(Pppp.close(), out.get(0).bytes());
        assertEquals(camera, out.get(0).to());
        assertEquals(Session.State.CLOSED, session.state());
        assertTrue(receive(Pppp.alive(), camera, 200).isEmpty());
        assertTrue(tick(10_000).isEmpty());
    }

    @Test
    void aCameraThatRestartsItsSideIsFollowedToItsNewPort() throws Exception {
        up();
        InetSocketAddress newPort = new InetSocketAddress("127.0.0.9", 40555);
        List<Session.Out> out = receive(Pppp.punchPkt(id), newPort, 200);
        assertEquals(newPort, out.get(0).to());
        assertEquals(Session.State.PUNCH, session.state());
        assertTrue(events.contains("offline: the camera started a new session from port 40555"));
    }
}
