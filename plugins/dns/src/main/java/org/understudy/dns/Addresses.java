package org.understudy.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.understudy.api.Endpoints;

/** Literal IP addresses of one family (never resolving names), with clear errors; endpoints are {@link Endpoints}. */
final class Addresses {

    private Addresses() {
    }

    static Inet4Address parseIpv4(String text, String what) {
        if (Endpoints.literalAddress(text, what) instanceof Inet4Address a) {
            return a;
        }
        throw new IllegalArgumentException(what + ": not an IPv4 address: '" + text + "'");
    }

    static Inet6Address parseIpv6(String text, String what) {
        if (Endpoints.literalAddress(text, what) instanceof Inet6Address a) {
            return a;
        }
        throw new IllegalArgumentException(what + ": not an IPv6 address: '" + text + "'");
    }
}
