package org.understudy.profile.vstarcam;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.LanDriver;

/**
 * Keeps the cameras: the listed ones and those DH discovery finds, each in a PPPP LAN {@link Session} (searched,
 * punched, kept alive, noticed when silent and searched again), recorded as readings (online, keepalive round trip)
 * and photographed every {@code snapshotInterval}. Every socket and every camera's state live on one event loop of
 * the runtime's, so no lock is needed and a camera that is silent or talks garbage costs only its own datagrams:
 *
 * <ul>
 *   <li>the session socket (bindAddress, any port): LAN searches out, every camera's session in;
 *   <li>the discovery socket (bindAddress:discoveryPort, 6801), when broadcastAddresses are set;
 *   <li>the cloud socket (bindAddress:cloudPort, 32100), when set: the cameras' P2P server attempts, counted.
 * </ul>
 */
final class CameraDriver implements LanDriver {

    static final String PROFILE = "vstarcam";
    private static final Logger LOG = LoggerFactory.getLogger(CameraDriver.class);
    private static final int DISCOVERY_REQUESTS_PER_ROUND = 3;
    private static final Duration BETWEEN_DISCOVERY_REQUESTS = Duration.ofMillis(300);
    /** Sources of P2P server attempts remembered (the rest are only counted). */
    private static final int MAX_CLOUD_SOURCES = 256;

    private final PluginContext<VstarcamConfig> context;
    private final VstarcamConfig config;
    private final Clock clock;
    private final EventLoop loop;
    private final ChannelGroup open = new DefaultChannelGroup("vstarcam", GlobalEventExecutor.INSTANCE);
    private final SnapshotClient snapshots;
    private final Session.Timing timing;
    /** The cameras by IPv4 address; changed only on {@link #loop}. */
    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();
    /** The cameras by device id. */
    private final Map<String, Camera> byDevice = new ConcurrentHashMap<>();
    /** The attributes last written to the registry, per device id. */
    private final Map<String, Map<String, String>> registered = new ConcurrentHashMap<>();
    private final Map<String, Long> cloudSources = new ConcurrentHashMap<>();
    private Channel sessionChannel;
    private Channel discoveryChannel;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private long nextViewRefresh;
    final LongAdder datagrams = new LongAdder();
    final LongAdder unreadable = new LongAdder();
    final LongAdder strays = new LongAdder();
    final LongAdder discoveryRequests = new LongAdder();
    final LongAdder discoveryReplies = new LongAdder();
    final LongAdder cloudAttempts = new LongAdder();
    final LongAdder notRecorded = new LongAdder();
    private volatile String lastUnreadable;
    private volatile String lastError;

    CameraDriver(PluginContext<VstarcamConfig> context, Clock clock) {
        this.context = context;
        this.config = context.config();
        this.clock = clock;
        this.loop = context.netty().eventLoops().next();
        this.snapshots = new SnapshotClient(context.netty(), open);
        this.timing = new Session.Timing(config.keepaliveInterval(), config.offlineAfter(), config.searchInterval(),
                config.maxSearchInterval(), config.punchTimeout());
    }

    @Override
    public void start() {
        context.own(open::close); // every socket closes with the plugin
        boolean discovery = !config.discoveryTargets().isEmpty();
        if (!config.cameras().isEmpty() || discovery) {
            sessionChannel = bind(0, false, this::sessionDatagram, "session");
            long tick = Math.max(50, Math.min(250, config.keepaliveInterval().toMillis() / 4));
            timers.add(loop.scheduleAtFixedRate(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS));
        }
        if (discovery) {
            discoveryChannel = bind(config.discoveryPort(), true, this::discoveryDatagram, "discovery");
            timers.add(loop.scheduleWithFixedDelay(this::discoveryRound, 100, config.discoveryInterval().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (config.cloudPort() > 0) {
            bind(config.cloudPort(), false, this::cloudDatagram, "cloud");
        }
        for (InetSocketAddress listed : config.cameraAddresses()) {
            String host = listed.getHostString();
            if (NetUtil.isValidIpV4Address(host)) {
                loop.execute(() -> add(host, true, listed.getPort()));
            } else {
                // a host name is looked up once, on a blocking thread (the system resolver blocks)
                context.scheduler().blocking().execute(() -> {
                    try {
                        String ip = InetAddress.getByName(host).getHostAddress();
                        loop.execute(() -> add(ip, true, listed.getPort()));
                    } catch (java.io.IOException e) {
                        lastError = "cannot resolve camera " + host + ": " + Errors.describe(e);
                        LOG.error("VStarCam camera {} not kept: {}", host, lastError);
                    }
                });
            }
        }
    }

    /** A datagram socket on the driver's loop; a port that cannot be bound is reported once and left off. */
    private Channel bind(int port, boolean broadcast, Consumer<DatagramPacket> reader, String what) {
        ChannelFuture bound = new Bootstrap().group(loop).channel(context.netty().datagramChannelType())
                .option(ChannelOption.SO_BROADCAST, broadcast)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        datagrams.increment();
                        try {
                            reader.accept(packet);
                        } catch (RuntimeException e) {
                            unreadable.increment();
                            lastUnreadable = "from " + packet.sender() + ": " + Errors.describe(e);
                        }
                    }
                })
                .bind(new InetSocketAddress(config.bindAddress(), port));
        open.add(bound.channel());
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                lastError = "cannot bind the " + what + " socket " + config.bindAddress() + ":" + port + ": " + Errors.describe(f.cause());
                LOG.error("VStarCam {} socket off: {}", what, lastError);
            }
        });
        return bound.channel();
    }

    @Override
    public void stop() {
        var closing = loop.submit(() -> {
            timers.forEach(t -> t.cancel(false));
            List<Session.Out> out = new ArrayList<>();
            cameras.values().forEach(c -> c.session.close(out));
            send(out); // Close to every camera in session, before the socket goes
            for (Camera c : cameras.values()) {
                c.refreshView();
            }
            open.close();
        });
        closing.awaitUninterruptibly(2, TimeUnit.SECONDS); // the sockets are the context's: closed after stop() either way
    }

    /** A camera at {@code ip}, kept from now on (its first search at once). Called on the loop. */
    private Camera add(String ip, boolean listed, int httpPort) {
        Camera known = cameras.get(ip);
        if (known != null) {
            return known;
        }
        Events events = new Events();
        Camera c = new Camera(ip, listed, httpPort, new Session(new InetSocketAddress(ip, config.cameraSessionPort()), timing, events, System.nanoTime()));
        events.camera = c;
        cameras.put(ip, c);
        c.refreshView();
        return c;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("VStarCam tick failed: {}", Errors.describe(e)); // a periodic task that throws never runs again
        }
    }

    private void tick() {
        long now = System.nanoTime();
        List<Session.Out> out = new ArrayList<>();
        for (Camera c : cameras.values()) {
            c.session.tick(now, out);
            if (c.session.online() && now - c.nextReading >= 0) {
                reading(c, true);
            }
            if (config.snapshots() && !config.snapshotInterval().isZero() && c.deviceId != null && !c.snapshotting
                    && now - c.nextSnapshot >= 0) {
                c.nextSnapshot = now + config.snapshotInterval().toNanos();
                snapshot(c);
            }
        }
        send(out);
        if (now - nextViewRefresh >= 0) {
            nextViewRefresh = now + TimeUnit.SECONDS.toNanos(1);
            cameras.values().forEach(Camera::refreshView);
        }
    }

    private void send(List<Session.Out> out) {
        Channel ch = sessionChannel;
        if (ch == null || !ch.isActive() || out.isEmpty()) {
            return;
        }
        for (Session.Out o : out) {
            ch.write(new DatagramPacket(Unpooled.wrappedBuffer(o.bytes()), o.to()), ch.voidPromise());
        }
        ch.flush();
    }

    private void sessionDatagram(DatagramPacket packet) {
        InetSocketAddress from = packet.sender();
        Camera c = cameras.get(from.getAddress().getHostAddress());
        if (c == null) {
            strays.increment(); // not a camera the gateway keeps
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(packet.content(), packet.content().readerIndex(),
                Math.min(packet.content().readableBytes(), Pppp.MAX_DATAGRAM + 1));
        List<Session.Out> out = new ArrayList<>(1);
        try {
            c.session.received(Pppp.parse(bytes), from, System.nanoTime(), out);
        } catch (PacketException e) {
            unreadable.increment();
            lastUnreadable = "from " + from.getAddress().getHostAddress() + ":" + from.getPort() + ": " + e.getMessage();
        }
        if (c.deviceId == null && c.session.deviceId() != null) {
            known(c, c.session.deviceId().toString());
        }
        send(out);
    }

    /** {@code c} is now known as {@code deviceId} (from its punch or its discovery reply). */
    private void known(Camera c, String deviceId) {
        Camera other = byDevice.put(deviceId, c);
        if (other != null && other != c) {
            // the same camera at a new address (a new DHCP lease): the old entry goes
            LOG.info("VStarCam camera {} moved from {} to {}", deviceId, other.ip, c.ip);
            List<Session.Out> out = new ArrayList<>();
            other.session.close(out);
            send(out);
            cameras.remove(other.ip, other);
        }
        if (c.deviceId == null) {
            c.deviceId = deviceId;
            long spread = Math.min(config.snapshotInterval().toNanos(), TimeUnit.SECONDS.toNanos(5));
            c.nextSnapshot = System.nanoTime() + (spread > 0 ? ThreadLocalRandom.current().nextLong(spread) : 0);
            LOG.info("VStarCam camera {} at {}", deviceId, c.ip);
        }
        register(c, List.of());
    }

    private void discoveryRound() {
        for (int i = 0; i < DISCOVERY_REQUESTS_PER_ROUND; i++) {
            loop.schedule(this::discoveryRequests, BETWEEN_DISCOVERY_REQUESTS.toMillis() * i, TimeUnit.MILLISECONDS);
        }
    }

    private void discoveryRequests() {
        Channel ch = discoveryChannel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        for (InetSocketAddress target : config.discoveryTargets()) {
            InetSocketAddress to = new InetSocketAddress(target.getHostString(), target.getPort());
            if (to.isUnresolved()) {
                lastError = "cannot resolve " + target.getHostString();
                continue;
            }
            discoveryRequests.increment();
            ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(Dbr.REQUEST), to)).addListener(f -> {
                if (!f.isSuccess()) {
                    lastError = "discovery request to " + to + " not sent: " + Errors.describe(f.cause());
                }
            });
        }
    }

    private void discoveryDatagram(DatagramPacket packet) {
        byte[] bytes = ByteBufUtil.getBytes(packet.content(), packet.content().readerIndex(),
                Math.min(packet.content().readableBytes(), Dbr.MAX_SIZE + 1));
        if (Dbr.isRequest(bytes)) {
            return; // a request (the gateway's own broadcast heard back, or another controller's)
        }
        InetSocketAddress from = packet.sender();
        try {
            Dbr dbr = Dbr.parse(bytes);
            discoveryReplies.increment();
            found(from.getAddress().getHostAddress(), dbr);
        } catch (PacketException e) {
            unreadable.increment();
            lastUnreadable = "from " + from.getAddress().getHostAddress() + ":" + from.getPort() + ": " + e.getMessage();
        }
    }

    /** A discovery reply from {@code ip}: the camera is kept (or updated) and searched for now if not in session. */
    private void found(String ip, Dbr dbr) {
        Camera c = cameras.get(ip);
        if (c == null) {
            LOG.info("VStarCam camera found: {} '{}' at {}", dbr.uid(), dbr.name(), ip);
            c = add(ip, false, dbr.httpPort());
        }
        c.dbr = dbr;
        c.httpPort = dbr.httpPort();
        c.session.searchNow(System.nanoTime());
        String id;
        try {
            id = DeviceId.parse(dbr.uid()).toString();
        } catch (IllegalArgumentException unusual) {
            id = dbr.uid().replaceAll("[^A-Za-z0-9-]", "");
        }
        known(c, id);
    }

    private void cloudDatagram(DatagramPacket packet) {
        cloudAttempts.increment();
        String ip = packet.sender().getAddress().getHostAddress();
        if (cloudSources.containsKey(ip) || cloudSources.size() < MAX_CLOUD_SOURCES) {
            if (cloudSources.merge(ip, 1L, Long::sum) == 1L) {
                Camera c = cameras.get(ip);
                LOG.info("VStarCam {} at {} tries to reach its P2P server; it stays on the LAN (UDP {})",
                        c == null || c.deviceId == null ? "camera" : c.deviceId, ip, config.cloudPort());
            }
        }
    }

    /** Records {@code c}'s state now: online (with its keepalive round trip) or offline. On the loop. */
    private void reading(Camera c, boolean online) {
        Map<String, MetricValue> m = new LinkedHashMap<>();
        m.put("online", MetricValue.of(online));
        Double rtt = c.takeMedianRttMs();
        if (online && rtt != null) {
            m.put("keepalive_rtt", MetricValue.of(rtt, "ms"));
        }
        c.nextReading = System.nanoTime() + config.readingInterval().toNanos();
        if (c.deviceId == null) {
            return; // not known yet: nothing to record it under
        }
        Instant now = clock.instant();
        register(c, List.of(new Reading(c.deviceId, PROFILE, now, now, m, Map.of())));
    }

    /**
     * Writes the camera's attributes to the registry when they changed (a blocking write, off the loop), then records
     * the readings: a reading never arrives before its device.
     */
    private void register(Camera c, List<Reading> readings) {
        Map<String, String> attrs = c.attributes();
        String id = c.deviceId;
        if (id != null && !attrs.equals(registered.put(id, attrs))) {
            Instant now = clock.instant();
            context.scheduler().blocking().execute(() -> {
                try {
                    context.recorder().recordDevice(new Device(id, PROFILE, now, now, attrs));
                } catch (Exception e) {
                    registered.remove(id); // written again at the next change or reading
                    LOG.error("VStarCam camera {} not registered: {}", id, Errors.describe(e));
                }
                write(readings);
            });
        } else {
            write(readings);
        }
    }

    private void write(List<Reading> readings) {
        if (readings.isEmpty()) {
            return;
        }
        context.recorder().recordAsync(readings).whenComplete((ok, error) -> {
            if (error != null) {
                notRecorded.add(readings.size());
                LOG.error("{} VStarCam reading(s) not recorded: {}", readings.size(), Errors.describe(error));
            }
        });
    }

    /**
     * Takes a picture of the camera now and keeps it (durable, under its hash) as the camera's; completes with the
     * stored picture's hash, size and time.
     */
    CompletableFuture<Map<String, Object>> snapshot(Camera c) {
        CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
        loop.execute(() -> {
            String id = c.deviceId;
            if (id == null) {
                done.completeExceptionally(new SnapshotClient.SnapshotException("the camera at " + c.ip + " has not told its UID yet", false));
                return;
            }
            c.snapshotting = true;
            Instant at = clock.instant();
            snapshots.fetch(loop, c.http(), config.username(), config.password(), config.snapshotTimeout(), config.maxSnapshotBytes())
                    .thenCompose(jpeg -> context.scheduler().supplyBlocking(
                            () -> context.recorder().storeBlob(id, PROFILE, at, "image/jpeg", jpeg)))
                    .whenCompleteAsync((blob, error) -> {
                        c.snapshotting = false;
                        if (error == null) {
                            c.snapshots++;
                            c.lastSnapshot = at;
                            c.lastSnapshotSha = blob.sha256();
                            c.lastSnapshotError = null;
                            Map<String, Object> out = new LinkedHashMap<>();
                            out.put("sha256", blob.sha256());
                            out.put("bytes", blob.size());
                            out.put("time", at.toString());
                            // the camera's status says what happened before whoever waits for the answer reads it
                            c.refreshView();
                            done.complete(out);
                        } else {
                            Throwable cause = Errors.unwrap(error);
                            String why = cause instanceof SnapshotClient.SnapshotException ? cause.getMessage() : Errors.describe(cause);
                            c.failedSnapshots++;
                            if (!why.equals(c.lastSnapshotError)) {
                                LOG.warn("VStarCam camera {} snapshot failed: {}", id, why);
                            }
                            c.lastSnapshotError = why;
                            c.refreshView();
                            done.completeExceptionally(cause);
                        }
                    }, loop);
        });
        return done;
    }

    /** The camera registered as {@code deviceId}, or {@code null}. */
    Camera cameraOf(String deviceId) {
        return byDevice.get(deviceId);
    }

    boolean snapshotsConfigured() {
        return config.snapshots();
    }

    /** The session events of one camera, on the loop. */
    private final class Events implements Session.Listener {
        Camera camera;

        @Override
        public void online(Session s) {
            camera.offlineReason = null;
            LOG.info("VStarCam camera {} at {} in session", camera.deviceId, camera.ip);
            reading(camera, true);
            camera.refreshView();
        }

        @Override
        public void offline(Session s, String why) {
            camera.offlineReason = why;
            LOG.warn("VStarCam camera {} at {} is offline: {}", camera.deviceId, camera.ip, why);
            reading(camera, false);
            camera.refreshView();
        }

        @Override
        public void roundTrip(Session s, Duration rtt) {
            camera.roundTrip(TimeUnit.NANOSECONDS.toMicros(rtt.toNanos()));
        }
    }

    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        cameras.values().forEach(c -> list.add(c.view));
        list.sort(java.util.Comparator.comparing(m -> String.valueOf(m.get("address"))));
        out.put("cameras", list);
        out.put("inSession", list.stream().filter(m -> Boolean.TRUE.equals(m.get("online"))).count());
        out.put("datagrams", datagrams.sum());
        out.put("unreadableDatagrams", unreadable.sum());
        out.put("lastUnreadable", lastUnreadable);
        out.put("strayDatagrams", strays.sum());
        out.put("discoveryRequests", discoveryRequests.sum());
        out.put("discoveryReplies", discoveryReplies.sum());
        out.put("cloudAttempts", cloudAttempts.sum());
        out.put("cloudAttemptsBySource", new java.util.TreeMap<>(cloudSources));
        out.put("notRecorded", notRecorded.sum());
        out.put("lastError", lastError);
        return out;
    }
}
