package org.understudy.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses literal IP addresses (never resolving names) with clear errors. */
final class Addresses {

    private Addresses() {
    }

    static InetAddress parseLiteral(String text, String what) {
        String t = text.trim();
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.contains(":") && t.matches("[0-9a-fA-F:.%]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException(what + ": not an IP address: '" + text + "'");
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + ": not an IP address: '" + text + "'");
        }
    }

    static Inet4Address parseIpv4(String text, String what) {
        if (parseLiteral(text, what) instanceof Inet4Address a) {
            return a;
        }
        throw new IllegalArgumentException(what + ": not an IPv4 address: '" + text + "'");
    }

    static Inet6Address parseIpv6(String text, String what) {
        if (parseLiteral(text, what) instanceof Inet6Address a) {
            return a;
        }
        throw new IllegalArgumentException(what + ": not an IPv6 address: '" + text + "'");
    }

    /** {@code ip}, {@code ip:port} or {@code [v6]:port}. */
    static InetSocketAddress parseEndpoint(String text, int defaultPort, String what) {
        String t = text.trim();
        String host = t;
        int port = defaultPort;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(what + ": bad address '" + text + "'");
            }
            host = t.substring(1, close);
            if (t.length() > close + 1) {
                port = port(t.substring(close + 1).replaceFirst("^:", ""), text, what);
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':') + 1), text, what);
        }
        return new InetSocketAddress(parseLiteral(host, what), port);
    }

    private static int port(String text, String whole, String what) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": bad port in '" + whole + "'");
    }
}
