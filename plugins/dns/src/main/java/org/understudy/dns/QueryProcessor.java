package org.understudy.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.understudy.api.NettyTransport;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * One query, from bytes to bytes: access list, rate limit, parsing, then local answers, the cache, the
 * upstreams and, while they are unreachable, stale answers. Runs on the event loop that received the
 * query and never blocks; a forwarded query completes later on an event loop.
 */
final class QueryProcessor {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryProcessor.class);

    /** Where a response goes: the bytes (or {@code null} to stay silent). */
    interface Reply {
        void send(byte[] response);
    }

    private final DnsConfig config;
    private final AccessList access;
    private final ClientRateLimiter rateLimiter;
    private final LocalAnswers local;
    private final DnsCache cache;
    private final UpstreamResolver upstream;
    private final QueryLog log;
    private final NettyTransport netty;
    private final SlowPath slow;
    private final ConcurrentHashMap<DnsCache.Key, CompletableFuture<DnsCache.Entry>> inflight = new ConcurrentHashMap<>();

    QueryProcessor(DnsConfig config, LocalAnswers local, DnsCache cache, UpstreamResolver upstream, QueryLog log,
                   NettyTransport netty) {
        this.config = config;
        this.access = AccessList.parse(config.allowedClients());
        this.rateLimiter = new ClientRateLimiter(config.rateLimit(), config.rateBurst());
        this.local = local;
        this.cache = cache;
        this.upstream = upstream;
        this.log = log;
        this.netty = netty;
        this.slow = new SlowPath(config, log);
    }

    ClientRateLimiter rateLimiter() {
        return rateLimiter;
    }

    void process(byte[] query, InetSocketAddress client, InetAddress localAddress, boolean tcp, Reply reply) {
        if (query.length < WireQuery.HEADER || (query[2] & 0x80) != 0) {
            log.dropped(); // too short to answer, or a response someone sent us
            return;
        }
        InetAddress who = client.getAddress();
        if (!access.allows(client.getAddress())) {
            log.record(who, "", 0, Rcode.REFUSED, QueryLog.Source.REFUSED);
            reply.send(WireResponses.headerOnly(query, Rcode.REFUSED));
            return;
        }
        if (!tcp && !rateLimiter.tryAcquire(client.getAddress(), System.nanoTime())) {
            log.record(who, "", 0, -1, QueryLog.Source.RATE_LIMITED);
            return;
        }
        WireQuery q = WireQuery.parse(query, query.length);
        if (q == null) {
            slow.answerUnusual(query, who, reply, tcp);
            return;
        }
        int maxSize = tcp ? 65535 : q.hasOpt() ? Math.min(q.udpSize(), config.ednsUdpSize()) : 512;
        if (q.type() == Type.ANY) {
            slow.answerAny(query, q, who, reply, maxSize);
            return;
        }
        var localAnswer = local.answer(q.name(), q.type(), localAddress);
        if (localAnswer.isPresent()) {
            slow.answerLocal(query, q, localAnswer.get(), who, reply, maxSize);
            return;
        }
        DnsCache.Key key = new DnsCache.Key(q.name(), q.type());
        long now = System.nanoTime();
        DnsCache.Entry entry = cache.get(key);
        if (entry != null && entry.fresh(now)) {
            send(q, query, entry, now, -1, maxSize, who, QueryLog.Source.CACHE, reply);
            return;
        }
        boolean stale = config.serveStale() && entry != null && entry.staleUsable(now, config.staleMaxAge());
        if (!upstream.configured()) {
            answerWithoutUpstream(q, query, stale ? entry : null, maxSize, who, reply, "no upstream configured");
            return;
        }
        CompletableFuture<DnsCache.Entry> refresh = forward(key);
        if (upstream.allKnownDown()) {
            // RFC 8767: do not make the client wait for upstreams known to be unreachable; the forward
            // above goes on and notices their return
            answerWithoutUpstream(q, query, stale ? entry : null, maxSize, who, reply, "upstreams unreachable");
            return;
        }
        Once once = new Once();
        if (stale) {
            var timer = netty.eventLoops().schedule(() -> once.run(() ->
                    send(q, query, entry, System.nanoTime(), config.staleTtl().toSeconds(), maxSize, who,
                            QueryLog.Source.STALE, reply)), config.staleAnswerDelay().toNanos(), TimeUnit.NANOSECONDS);
            refresh.whenComplete((fresh, error) -> timer.cancel(false));
        }
        refresh.whenComplete((fresh, error) -> once.run(() -> {
            if (error == null) {
                send(q, query, fresh, fresh.storedNanos(), -1, maxSize, who, QueryLog.Source.UPSTREAM, reply);
            } else {
                answerWithoutUpstream(q, query, stale ? entry : null, maxSize, who, reply, UpstreamResolver.describe(error));
            }
        }));
    }

    private void answerWithoutUpstream(WireQuery q, byte[] query, DnsCache.Entry stale, int maxSize, InetAddress who,
                                       Reply reply, String why) {
        if (stale != null) {
            send(q, query, stale, System.nanoTime(), config.staleTtl().toSeconds(), maxSize, who, QueryLog.Source.STALE, reply);
        } else {
            slow.servfail(query, q, who, reply, why);
        }
    }

    /** One upstream question per name and type at a time; the answer is cached when it arrives. */
    private CompletableFuture<DnsCache.Entry> forward(DnsCache.Key key) {
        CompletableFuture<DnsCache.Entry> existing = inflight.get(key);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<DnsCache.Entry> created = new CompletableFuture<>();
        existing = inflight.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        upstream.resolve(key.name(), key.type(), config.queryTimeout()).whenComplete((message, error) -> {
            inflight.remove(key, created);
            if (error != null) {
                created.completeExceptionally(error);
                return;
            }
            try {
                DnsCache.Entry entry = cache.put(key, message, System.nanoTime());
                created.complete(entry != null ? entry : DnsCache.uncached(message, System.nanoTime()));
            } catch (RuntimeException e) {
                LOG.error("caching the answer for {} failed", key, e);
                created.completeExceptionally(e);
            }
        });
        return created;
    }

    private void send(WireQuery q, byte[] query, DnsCache.Entry entry, long now, long ttl, int maxSize, InetAddress who,
                      QueryLog.Source source, Reply reply) {
        byte[] response = WireResponses.cached(q, query, entry.wire(), entry.ageSeconds(now), ttl, maxSize,
                config.ednsUdpSize());
        log.record(who, q.name(), q.type(), response[3] & 0xf, source);
        reply.send(response);
    }

    /**
     * Runs at most one of the actions given to it (the stale timer or the upstream answer). What an action
     * throws is logged: inside a future's callback it would otherwise vanish with the client's answer.
     */
    private static final class Once {
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        void run(Runnable action) {
            if (done.compareAndSet(false, true)) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("answering a forwarded query failed", e);
                }
            }
        }
    }
}
