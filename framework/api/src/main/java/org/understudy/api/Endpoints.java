package org.understudy.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Address settings in the one form every plugin accepts: {@code host}, {@code host:port}, {@code [v6]} or
 * {@code [v6]:port}; a bare IPv6 address (more than one colon) is taken whole, with the default port. Errors are
 * {@link IllegalArgumentException}s that name the setting and quote the value, ready for a configuration's
 * rejection. Nothing here resolves a name or touches the network.
 *
 * @since 0.6
 */
public final class Endpoints {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private Endpoints() {
    }

    /**
     * An IP address with an optional port, for settings where a name cannot be used (a resolver's own address).
     *
     * @throws IllegalArgumentException {@code "<setting>: not an IP address: '<text>'"} or a bad port
     */
    public static InetSocketAddress literal(String text, int defaultPort, String setting) {
        String[] hostPort = split(text, setting);
        return new InetSocketAddress(literalAddress(hostPort[0], setting), port(hostPort[1], defaultPort, text, setting));
    }

    /**
     * A host name or IP address with an optional port, left unresolved: the caller resolves it when it uses it (a
     * device's name may move to another address).
     *
     * @throws IllegalArgumentException {@code "<setting>: not a host name or IP address: '<text>'"} or a bad port
     */
    public static InetSocketAddress unresolved(String text, int defaultPort, String setting) {
        String[] hostPort = split(text, setting);
        String host = hostPort[0];
        if (!NAME.matcher(host).matches() && !isLiteral(host)) {
            throw new IllegalArgumentException(setting + ": not a host name or IP address: '" + text + "'");
        }
        return InetSocketAddress.createUnresolved(host, port(hostPort[1], defaultPort, text, setting));
    }

    /**
     * An IP address alone (no port, no brackets).
     *
     * @throws IllegalArgumentException {@code "<setting>: not an IP address: '<text>'"}
     */
    public static InetAddress literalAddress(String text, String setting) {
        InetAddress a = parseLiteral(text.trim());
        if (a == null) {
            throw new IllegalArgumentException(setting + ": not an IP address: '" + text + "'");
        }
        return a;
    }

    private static boolean isLiteral(String host) {
        return parseLiteral(host) != null;
    }

    /** The address a literal stands for, or null; never a name lookup (the JDK would look up "999.1.1.1"). */
    private static InetAddress parseLiteral(String t) {
        try {
            if (IPV4.matcher(t).matches()) {
                String[] parts = t.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return null;
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes);
            }
            // with a colon in it, the JDK parses an IPv6 literal and never looks the text up
            return IPV6.matcher(t).matches() ? InetAddress.getByName(t) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The host and the port text (null when none) of {@code text}. */
    private static String[] split(String text, String setting) {
        String t = text.trim();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            String rest = close < 0 ? "" : t.substring(close + 1);
            if (close < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                throw new IllegalArgumentException(setting + ": bad address '" + text + "' (an IPv6 address with a port is [address]:port)");
            }
            return new String[] {t.substring(1, close), rest.isEmpty() ? null : rest.substring(1)};
        }
        int colon = t.indexOf(':');
        if (colon >= 0 && colon == t.lastIndexOf(':')) {
            return new String[] {t.substring(0, colon), t.substring(colon + 1)};
        }
        return new String[] {t, null};
    }

    private static int port(String text, int defaultPort, String whole, String setting) {
        if (text == null) {
            return defaultPort;
        }
        if (text.matches("\\d{1,5}")) {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        }
        throw new IllegalArgumentException(setting + ": bad port in '" + whole + "' (1..65535)");
    }
}
