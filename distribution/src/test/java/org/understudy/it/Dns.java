package org.understudy.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** One A query over UDP to 127.0.0.1, with dnsjava for the wire format only (no resolver statics). */
final class Dns {
    private Dns() {
    }

    /** The first A address answered for {@code name}, or null. */
    static String resolveA(int port, String name) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN));
        byte[] wire = query.toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
            byte[] buf = new byte[1500];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            socket.receive(reply);
            Message answer = new Message(java.util.Arrays.copyOf(buf, reply.getLength()));
            for (Record r : answer.getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    return a.getAddress().getHostAddress();
                }
            }
            return null;
        }
    }
}
