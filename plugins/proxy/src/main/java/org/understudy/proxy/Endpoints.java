package org.understudy.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code ip} or {@code ip:port} literals (never names: resolving a resolver's name would be circular). */
final class Endpoints {

    private Endpoints() {
    }

    static InetSocketAddress parse(String text, int defaultPort, String what) {
        String t = text.trim();
        String host = t;
        int port = defaultPort;
        int colon = t.lastIndexOf(':');
        if (colon > 0 && t.indexOf(':') == colon) {
            host = t.substring(0, colon);
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": bad port in '" + text + "'");
            }
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not an IP address");
        }
    }
}
