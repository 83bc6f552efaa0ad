package org.understudy.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses to listen on. A wildcard host becomes every address of every interface that is up, one
 * socket each, so that each query's arrival address is known ({@code answerAddress = self}).
 */
final class ListenAddresses {

    private ListenAddresses() {
    }

    static List<InetAddress> resolve(String host) throws SocketException {
        String h = host.trim();
        if (!h.equals("0.0.0.0") && !h.equals("::") && !h.equals("*")) {
            return List.of(org.understudy.api.Endpoints.literalAddress(h, "host"));
        }
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!(a instanceof Inet6Address v6 && v6.isLinkLocalAddress())) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
