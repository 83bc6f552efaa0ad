package org.understudy.proxy;

import java.time.Duration;
import java.util.List;
import org.understudy.api.Description;
import org.understudy.api.EnvOverride;

/** Configuration of the traffic proxy (pid {@code understudy.proxy}). */
@Description("HTTP proxy for device traffic: requests for hostnames a device profile claims are recorded, forwarded "
        + "to the real backend while it answers, and answered by the profile when it does not. Any other host "
        + "gets 421: this is not an open proxy.")
public record ProxyConfig(
        @Description("Listen address. Production: the LAN address (0.0.0.0 = every address).") String host,
        @Description("Listen port. Production: 80.") int port,
        @Description("TLS pass-through port (names profiles declare are spliced to the real host; 0 = off). Production: 443.")
        @EnvOverride("UNDERSTUDY_PROXY_TLS_PORT") int tlsPort,
        @Description("Resolvers for the real backends' names, ip[:port]; never our own DNS. Empty = offline only.")
        @EnvOverride("UNDERSTUDY_DNS_UPSTREAM") List<String> resolvers,
        @Description("Port of the real backends.") int backendPort,
        @Description("How long connecting to a backend may take (at most the profile's reply deadline).") Duration connectTimeout,
        @Description("While a backend is down, how often it is probed to notice its return.") Duration probeInterval,
        @Description("Largest request line and header block, in bytes.") int maxHeaderBytes,
        @Description("Largest request or reply body, in bytes (pictures are a few MB).") int maxBodyBytes,
        @Description("Request body bytes all device connections may hold at once (each is held whole until stored); "
                + "past it a request gets 503 with Retry-After.") long maxBufferedBodyBytes,
        @Description("Backend replies larger than this (or than maxBodyBytes, if smaller) are relayed to the device as they "
                + "arrive (any size; not learned, recorded by length only); smaller ones are collected whole first.")
        int streamRepliesAbove,
        @Description("Request bodies declared larger than this (or of unknown length) go on to the backend while they "
                + "arrive; smaller ones once complete. Either way the whole request is stored before the reply.")
        int streamRequestsAbove,
        @Description("A connection idle for this long is closed.") Duration idleTimeout,
        @Description("Most device connections at once, HTTP and TLS pass-through together. When full, a new connection "
                + "closes the one waiting longest for a request (idle, or still sending its headers); if none waits, "
                + "the new one is closed.") int maxConnections,
        @Description("Most connections one client address may hold at once; more are closed at once.") int maxConnectionsPerClient,
        @Description("How long a request line and its headers (or a TLS ClientHello) may take to arrive from their first "
                + "byte; a client this slow gets 408 and is closed.") Duration requestHeaderTimeout,
        @Description("Slowest average rate, in bytes per second, at which a request body may arrive once its headers "
                + "are in (the first requestHeaderTimeout free); a slower client gets 408 and is closed.") int minRequestBodyRate,
        @Description("Shortest time a backend's resolved address is reused (local resolvers often answer TTL 0).") Duration minResolveTtl,
        @Description("Idle connections kept open per backend for the next request (0 = a new connection each time; "
                + "a backend answering Connection: close is never kept).") int maxIdleBackendConnections,
        @Description("How long a kept backend connection may stay unused before it is closed.") Duration backendKeepAlive,
        @Description("Backfill (off by default): uploads answered for the backend while it was down are kept whole and "
                + "re-sent to it, oldest first, once it answers again. The outcome of each is recorded as a BACKFILLED flow.")
        boolean backfill,
        @Description("Backfill rate limit: the time between two re-sent uploads.") Duration backfillInterval,
        @Description("How long the backend may take to answer one re-sent upload before it counts as down again.")
        Duration backfillTimeout,
        @Description("Most entries the quarantine keeps (requests to hosts or paths no profile knows, fields a profile does "
                + "not read; each once with a count, listed on the dashboard's Traffic page); past it new ones are only "
                + "counted. 0 = keep none.") int quarantineEntries) {

    public static final ProxyConfig DEFAULTS = new ProxyConfig("127.0.0.1", 80, 443, List.of(), 80, Duration.ofSeconds(2),
            Duration.ofSeconds(10), 16 * 1024, 8 * 1024 * 1024, 32L * 1024 * 1024, 1024 * 1024, 64 * 1024, Duration.ofSeconds(30), 256, 32, Duration.ofSeconds(10), 1024, Duration.ofSeconds(30),
            8, Duration.ofSeconds(15), false, Duration.ofSeconds(1), Duration.ofSeconds(10), 500);

    public ProxyConfig {
        require(host != null && !host.isBlank(), "host must not be empty");
        require(port >= 1 && port <= 65535, "port must be between 1 and 65535, got " + port);
        require(tlsPort >= 0 && tlsPort <= 65535, "tlsPort must be between 0 (off) and 65535, got " + tlsPort);
        require(backendPort >= 1 && backendPort <= 65535, "backendPort must be between 1 and 65535, got " + backendPort);
        resolvers = List.copyOf(resolvers);
        resolvers.forEach(r -> org.understudy.api.Endpoints.literal(r, 53, "resolvers"));
        for (Duration d : new Duration[] {connectTimeout, probeInterval, idleTimeout}) {
            require(d != null && !d.isNegative() && !d.isZero(), "connectTimeout, probeInterval and idleTimeout must be positive");
        }
        require(maxHeaderBytes >= 1024, "maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
        require(maxBodyBytes >= 1024, "maxBodyBytes must be at least 1024, got " + maxBodyBytes);
        require(streamRepliesAbove >= 1024, "streamRepliesAbove must be at least 1024, got " + streamRepliesAbove);
        require(streamRequestsAbove >= 0, "streamRequestsAbove must not be negative, got " + streamRequestsAbove);
        require(maxBufferedBodyBytes >= maxBodyBytes, "maxBufferedBodyBytes must be at least maxBodyBytes (" + maxBodyBytes
                + "), got " + maxBufferedBodyBytes);
        require(maxConnections >= 1, "maxConnections must be at least 1, got " + maxConnections);
        require(maxConnectionsPerClient >= 1, "maxConnectionsPerClient must be at least 1, got " + maxConnectionsPerClient);
        require(requestHeaderTimeout != null && !requestHeaderTimeout.isNegative() && !requestHeaderTimeout.isZero(),
                "requestHeaderTimeout must be positive");
        require(minRequestBodyRate >= 1, "minRequestBodyRate must be at least 1 byte per second, got " + minRequestBodyRate);
        require(minResolveTtl != null && !minResolveTtl.isNegative(), "minResolveTtl must not be negative");
        require(maxIdleBackendConnections >= 0, "maxIdleBackendConnections must not be negative, got " + maxIdleBackendConnections);
        for (Duration d : new Duration[] {backendKeepAlive, backfillInterval, backfillTimeout}) {
            require(d != null && !d.isNegative() && !d.isZero(), "backendKeepAlive, backfillInterval and backfillTimeout must be positive");
        }
        require(quarantineEntries >= 0 && quarantineEntries <= 100_000,
                "quarantineEntries must be between 0 and 100000, got " + quarantineEntries);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
