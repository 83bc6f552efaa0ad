package org.understudy.dns;

import java.time.Duration;
import java.util.List;
import org.understudy.api.Description;
import org.understudy.api.EnvOverride;

/** Configuration of the DNS server plugin (pid {@code understudy.dns}). */
@Description("DNS server: answers the names device profiles intercept with the gateway's address, serves the "
        + "rules file, forwards everything else to the upstream resolvers through a cache that is served stale "
        + "while they are unreachable.")
public record DnsConfig(
        @Description("Listen address (UDP and TCP). 0.0.0.0 listens on every address of the box. Production: the LAN address.") String host,
        @Description("Listen port (UDP and TCP). Production: 53.") int port,
        @Description("Address answered for intercepted names: 'self' (the address the query arrived on) or an IPv4 address.") String answerAddress,
        @Description("IPv6 address answered for intercepted names; empty = none (AAAA gets NOERROR without data).") String answerAddressV6,
        @Description("TTL of answers for intercepted names and rules.") Duration interceptTtl,
        @Description("Static rules file, relative to conf/.") String rulesFile,
        @Description("How soon an edit of the rules file takes effect: its directory is watched, and the file read this long after a change (where the file system reports no changes, as on a network mount, it is read every minute).") Duration rulesCheckInterval,
        @Description("Upstream resolvers as ip or ip:port, tried in order. Empty = no forwarding (SERVFAIL).")
        @EnvOverride("UNDERSTUDY_DNS_UPSTREAM") List<String> upstreams,
        @Description("How long one upstream may take before the next is tried.") Duration upstreamTimeout,
        @Description("Time budget of a forwarded query; past it a client gets the stale answer if one is cached, else SERVFAIL.") Duration queryTimeout,
        @Description("With an expired answer cached, how long to wait for upstream before answering stale (RFC 8767 client response timer).") Duration staleAnswerDelay,
        @Description("Maximum number of cached answers.") int cacheEntries,
        @Description("Upper bound of the TTL of cached answers.") Duration cacheMaxTtl,
        @Description("Upper bound of the TTL of cached negative answers (NXDOMAIN, no data; RFC 2308).") Duration negativeMaxTtl,
        @Description("Answer expired cached entries while upstream is unreachable (RFC 8767).") boolean serveStale,
        @Description("How long past its expiry an entry may still be served stale; 0 = as long as upstream stays unreachable.") Duration staleMaxAge,
        @Description("TTL given to stale answers.") Duration staleTtl,
        @Description("Clients allowed to query, as CIDR blocks; everyone else gets REFUSED.") List<String> allowedClients,
        @Description("Queries per second allowed per client address (token bucket); 0 = no limit.") int rateLimit,
        @Description("Burst of the per-client rate limit, in queries.") int rateBurst,
        @Description("Number of queries kept in the query log.") int queryLogSize,
        @Description("Maximum simultaneous TCP connections.") int maxTcpConnections,
        @Description("A TCP connection idle for this long is closed.") Duration tcpIdleTimeout,
        @Description("EDNS(0) UDP payload size advertised to clients and upstreams.") int ednsUdpSize,
        @Description("UDP sockets per listen address, each on its own event loop (SO_REUSEPORT spreads clients over "
                + "them); 0 = one per event loop. One socket answers far more queries than a LAN asks and leaves the "
                + "other cores to the proxy.") int udpSockets) {

    public static final DnsConfig DEFAULTS = new DnsConfig("127.0.0.1", 53, "self", "", Duration.ofSeconds(5),
            "dns.rules", Duration.ofSeconds(1), List.of(), Duration.ofMillis(800), Duration.ofMillis(2500),
            Duration.ofMillis(400), 10_000, Duration.ofDays(1), Duration.ofHours(1), true, Duration.ZERO,
            Duration.ofSeconds(30), List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "169.254.0.0/16", "fe80::/10", "fc00::/7"), 200, 400, 1000, 64, Duration.ofSeconds(10), 1232, 1);

    public DnsConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        require(host != null && !host.isBlank(), "host must not be empty");
        require(answerAddress != null && !answerAddress.isBlank(), "answerAddress must be 'self' or an IPv4 address");
        if (!answerAddress.equals("self")) {
            Addresses.parseIpv4(answerAddress, "answerAddress");
        }
        answerAddressV6 = answerAddressV6 == null ? "" : answerAddressV6.trim();
        if (!answerAddressV6.isEmpty()) {
            Addresses.parseIpv6(answerAddressV6, "answerAddressV6");
        }
        positive(interceptTtl, "interceptTtl", true);
        require(rulesFile != null && !rulesFile.isBlank(), "rulesFile must not be empty");
        positive(rulesCheckInterval, "rulesCheckInterval", false);
        upstreams = List.copyOf(upstreams);
        upstreams.forEach(u -> org.understudy.api.Endpoints.literal(u, 53, "upstreams"));
        positive(upstreamTimeout, "upstreamTimeout", false);
        positive(queryTimeout, "queryTimeout", false);
        positive(staleAnswerDelay, "staleAnswerDelay", false);
        require(cacheEntries >= 0 && cacheEntries <= 10_000_000, "cacheEntries must be between 0 and 10000000, got " + cacheEntries);
        positive(cacheMaxTtl, "cacheMaxTtl", true);
        positive(negativeMaxTtl, "negativeMaxTtl", true);
        positive(staleMaxAge, "staleMaxAge", true);
        positive(staleTtl, "staleTtl", false);
        allowedClients = List.copyOf(allowedClients);
        AccessList.parse(allowedClients);
        require(rateLimit >= 0, "rateLimit must not be negative, got " + rateLimit);
        require(rateBurst >= 1, "rateBurst must be at least 1, got " + rateBurst);
        require(queryLogSize >= 0 && queryLogSize <= 1_000_000, "queryLogSize must be between 0 and 1000000, got " + queryLogSize);
        require(maxTcpConnections >= 1, "maxTcpConnections must be at least 1, got " + maxTcpConnections);
        positive(tcpIdleTimeout, "tcpIdleTimeout", false);
        require(ednsUdpSize >= 512 && ednsUdpSize <= 4096, "ednsUdpSize must be between 512 and 4096, got " + ednsUdpSize);
        require(udpSockets >= 0 && udpSockets <= 64, "udpSockets must be between 0 (one per event loop) and 64, got " + udpSockets);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void positive(Duration d, String name, boolean zeroAllowed) {
        require(d != null && !d.isNegative() && (zeroAllowed || !d.isZero()),
                name + " must be " + (zeroAllowed ? "zero or positive" : "positive") + ", got " + d);
    }
}
