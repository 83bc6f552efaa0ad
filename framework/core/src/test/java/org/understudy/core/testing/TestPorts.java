package org.understudy.core.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for tests that start servers, shared by the plugins' tests through this module's
 * test-jar. (The distribution's Pax Exam tests keep their own: their classes run inside Felix.)
 */
public final class TestPorts {

    /** Ports already handed out: a server started just before may not have bound its port yet. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP, as a DNS server binds both; never the same one twice. */
    public static int freeDnsPort() throws IOException {
        while (true) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(tcp.getLocalPort())) {
                    return tcp.getLocalPort();
                }
            } catch (BindException takenForTcp) {
                // try another
            }
        }
    }
}
