package org.understudy.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Meters;
import org.understudy.api.PluginContext;
import org.understudy.api.spi.DnsServer;

/**
 * The DNS server plugin (id {@code dns}). UDP: one socket per event loop on the same address and port
 * (SO_REUSEPORT), so queries spread over all cores; TCP: one listener. Everything runs on the runtime's
 * event loops; the rules file is watched on the runtime's scheduler.
 */
public final class DnsServerPlugin implements DnsServer<DnsConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(DnsServerPlugin.class);
    private static final int STATUS_RECENT_QUERIES = 50;
    /** Datagrams read per selector wakeup before the loop turns to other work. */
    private static final int UDP_READS_PER_WAKEUP = 64;
    /** Largest query datagram read (a query is small; anything longer is cut and answered FORMERR). */
    private static final int UDP_MAX_QUERY = 2048;
    /**
     * With native epoll: datagrams taken by one recvmmsg call. Their buffer (16 KB) stays within the
     * sizes Netty's allocator pools: a 64 KB one is allocated and zeroed afresh for every read.
     */
    private static final int UDP_DATAGRAMS_PER_CALL = 8;

    private volatile QueryLog log;
    private volatile DnsCache cache;
    private volatile RulesWatcher rules;
    private volatile QueryProcessor processor;
    private volatile List<String> listening = List.of();
    private final AtomicInteger tcpConnections = new AtomicInteger();

    @Override
    public String id() {
        return "dns";
    }

    @Override
    public Class<DnsConfig> configType() {
        return DnsConfig.class;
    }

    @Override
    public DnsConfig defaultConfig() {
        return DnsConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<DnsConfig> context) throws Exception {
        DnsConfig config = context.config();
        QueryLog queryLog = new QueryLog(config.queryLogSize());
        DnsCache dnsCache = new DnsCache(config.cacheEntries(), config.cacheMaxTtl(), config.negativeMaxTtl());
        LocalAnswers local = new LocalAnswers(context.profiles(), config);
        RulesWatcher watcher = new RulesWatcher(context.confDirectory().resolve(config.rulesFile()), local);
        watcher.run();
        context.scheduler().onDirectoryChange(watcher.file().toAbsolutePath().getParent(), config.rulesCheckInterval(), watcher);
        List<InetSocketAddress> upstreams = config.upstreams().stream()
                .map(u -> org.understudy.api.Endpoints.literal(u, 53, "upstreams")).toList();
        UpstreamResolver resolver = context.own(new UpstreamResolver(upstreams, context.netty(), context.connectivity(),
                config.upstreamTimeout(), config.ednsUdpSize()));
        QueryProcessor queries = new QueryProcessor(config, local, dnsCache, resolver, queryLog, context.netty());
        if (queries.rateLimiter().enabled()) {
            context.scheduler().scheduleWithFixedDelay(() -> queries.rateLimiter().forgetIdle(System.nanoTime()),
                    Duration.ofSeconds(10), Duration.ofSeconds(10));
        }
        List<String> bound = new ArrayList<>();
        UdpQueryHandler udp = new UdpQueryHandler(queries, queryLog);
        int loops = 0;
        for (var ignored : context.netty().eventLoops()) {
            loops++;
        }
        int sockets = config.udpSockets() == 0 ? loops : config.udpSockets();
        for (InetAddress address : ListenAddresses.resolve(config.host())) {
            for (int i = 0; i < sockets; i++) {
                Bootstrap b = new Bootstrap().group(context.netty().eventLoops())
                        .channelFactory(datagramChannels(context.netty().nativeTransport(), address))
                        .option(ChannelOption.SO_RCVBUF, 4 << 20)
                        .option(ChannelOption.SO_SNDBUF, 4 << 20)
                        .handler(udp);
                if (context.netty().nativeTransport()) {
                    // recvmmsg: one system call reads up to UDP_DATAGRAMS_PER_CALL queries; answers written in one
                    // flush go out with sendmmsg
                    b.option(EpollChannelOption.SO_REUSEPORT, true)
                            .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UDP_MAX_QUERY)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                                    UDP_MAX_QUERY * UDP_DATAGRAMS_PER_CALL).maxMessagesPerRead(UDP_READS_PER_WAKEUP));
                } else {
                    b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_MAX_QUERY)
                                    .maxMessagesPerRead(UDP_READS_PER_WAKEUP));
                }
                Channel ch = b.bind(address, config.port()).sync().channel();
                context.own(() -> ch.close().sync());
            }
            Channel tcp = new ServerBootstrap().group(context.netty().eventLoops())
                    .channel(context.netty().serverChannelType())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new ReadTimeoutHandler(config.tcpIdleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                                    new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2), new LengthFieldPrepender(2),
                                    new TcpQueryHandler(queries, tcpConnections, config.maxTcpConnections()));
                        }
                    }).bind(address, config.port()).sync().channel();
            context.own(() -> tcp.close().sync());
            bound.add(address.getHostAddress() + ":" + config.port());
        }
        publishMeters(context.meters(), queryLog, dnsCache);
        context.web().mount(QueryLogPage.PATH, "DNS query log", new QueryLogPage(queryLog, config.queryLogSize()));
        this.log = queryLog;
        this.cache = dnsCache;
        this.rules = watcher;
        this.processor = queries;
        this.listening = List.copyOf(bound);
        LOG.info("DNS listening on {} (UDP x{} per address, TCP); upstreams {}", bound, sockets,
                upstreams.isEmpty() ? "none: forwarding off" : config.upstreams());
    }

    /**
     * Sockets of the address's own family: an IPv4 address on a dual-stack (IPv6) socket costs the kernel's IPv6
     * wrappers and address mapping at every datagram received and sent.
     */
    private static ChannelFactory<DatagramChannel> datagramChannels(boolean nativeTransport, InetAddress address) {
        SocketProtocolFamily family = address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        return nativeTransport ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family);
    }

    /** The series of {@code /metrics}, read from the counters the query path keeps anyway. */
    private static void publishMeters(Meters meters, QueryLog queryLog, DnsCache dnsCache) {
        meters.counterWithCallback("dns_queries_total", "DNS queries answered, by where the answer came from.",
                v -> queryLog.eachSource((source, n) -> v.value(n, source)), "source");
        meters.counterWithCallback("dns_responses_total", "DNS queries by the response code sent (DROPPED: no answer sent).",
                v -> queryLog.eachRcode((rcode, n) -> v.value(n, rcode)), "rcode");
        meters.counterWithCallback("dns_dropped_packets_total", "Packets not answered at all: garbage, or a response sent to the server.",
                v -> v.value(queryLog.droppedPackets()));
        meters.gauge("dns_cache_entries", "Answers held in the DNS cache.", v -> v.value(dnsCache.size()));
        meters.counterWithCallback("dns_cache_evictions_total", "Cached answers pushed out to make room for newer ones.",
                v -> v.value(dnsCache.evictions()));
    }

    @Override
    public void stop() {
        // listeners and upstream sockets are owned by the context and closed by the runtime
    }

    @Override
    public Map<String, Object> status() {
        QueryLog queryLog = log;
        if (queryLog == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("listening", listening);
        out.putAll(queryLog.counters());
        out.put("cacheEntries", cache.size());
        out.put("cacheEvictions", cache.evictions());
        out.put("rules", rules.rules());
        out.put("rulesFile", rules.file().toString());
        out.put("rulesErrors", rules.errors());
        out.put("rateLimitedClientsTracked", processor.rateLimiter().tracked());
        out.put("tcpConnections", tcpConnections.get());
        List<Map<String, Object>> recent = new ArrayList<>();
        for (QueryLog.Entry e : queryLog.recent(STATUS_RECENT_QUERIES)) {
            recent.add(e.describe());
        }
        out.put("recentQueries", recent);
        return out;
    }
}
