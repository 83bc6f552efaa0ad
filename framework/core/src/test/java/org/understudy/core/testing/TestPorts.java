package org.understudy.core.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for tests that start servers, shared by the plugins' tests through this module's
 * test-jar. (The distribution's Pax Exam tests keep their own: their classes run inside Felix.)
 */
public final class TestPorts {

    /**
     * Where ports are taken from: below Linux's ephemeral range (32768-60999), which the system hands out as the
     * source port of outgoing connections. A port found free by binding port 0 lies in that range and may be taken
     * by any client's connection (the test's own, a browser's) before the server under test binds it.
     */
    private static final int LOWEST = 20000;
    private static final int HIGHEST = 32767;

    /** Ports already handed out: a server started just before may not have bound its port yet. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    /** A loopback TCP port that is free now, never the same one twice. */
    public static int freeTcpPort() throws IOException {
        return free(false);
    }

    /** A port free for both UDP and TCP, as a DNS server binds both; never the same one twice. */
    public static int freeDnsPort() throws IOException {
        return free(true);
    }

    private static int free(boolean udpToo) throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = udpToo ? new DatagramSocket(port, InetAddress.getLoopbackAddress()) : null) {
                return port;
            } catch (BindException taken) {
                // another one
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + HIGHEST + " after 1000 attempts");
    }
}
