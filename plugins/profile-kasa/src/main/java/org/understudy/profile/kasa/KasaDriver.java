package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.Errors;
import org.understudy.api.PluginContext;
import org.understudy.api.model.Device;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.LanDriver;

/**
 * Keeps the plugs: the listed ones and those discovery finds, each polled every {@code pollInterval} (its
 * sysinfo, energy meter and cloud state in one request; a strip's outlets' meters one request each), each answer
 * recorded as readings, the registry's attributes refreshed when they change, and a plug that misses
 * {@code offlineAfterMissedPolls} polls in a row marked offline until it answers. Polls run on the runtime's event
 * loops and never block; a plug that is slow, silent or talks garbage costs only its own poll. Readings are written
 * in batches every {@code recordBatchInterval} (one commit for many polls).
 */
final class KasaDriver implements LanDriver {

    static final String PROFILE = "kasa";
    /** Everything one poll asks a plug, in one request. */
    static final String POLL = "{\"system\":{\"get_sysinfo\":null},\"emeter\":{\"get_realtime\":null},\"cnCloud\":{\"get_info\":null}}";
    private static final Logger LOG = LoggerFactory.getLogger(KasaDriver.class);

    private final PluginContext<KasaConfig> context;
    private final KasaConfig config;
    private final Clock clock;
    private final ChannelGroup open = new DefaultChannelGroup("kasa", GlobalEventExecutor.INSTANCE);
    final KasaClient client;
    /** The plugs, by address ("host:port"). */
    private final Map<String, Plug> plugs = new ConcurrentHashMap<>();
    /** Which plug answers for a device id (a strip's outlets map to the strip). */
    private final Map<String, Plug> byDevice = new ConcurrentHashMap<>();
    /** The attributes last written to the registry, per device id: written again only when they change. */
    private final Map<String, Map<String, String>> registered = new ConcurrentHashMap<>();
    /** Plugs seen that speak only the newer protocol, by address, with why they are not supported. */
    private final Map<String, String> unsupported = new ConcurrentHashMap<>();
    private final KasaDiscovery discovery;
    /** Readings answered since the last batch was written ({@code recordBatchInterval}). */
    private final Queue<Reading> unwritten = new ConcurrentLinkedQueue<>();
    /** Asks for the batch to be written recordBatchInterval from the first reading in it; null: readings are written at once. */
    private volatile Runnable batchSoon;
    final LongAdder polls = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder failedPolls = new LongAdder();
    final LongAdder overruns = new LongAdder();
    final LongAdder notRecorded = new LongAdder();
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram latencyTotal = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);

    KasaDriver(PluginContext<KasaConfig> context, Clock clock) {
        this.context = context;
        this.config = context.config();
        this.clock = clock;
        this.client = new KasaClient(context.netty(), open, config.requestTimeout(), config.keepConnection(), config.maxReplyBytes());
        this.discovery = new KasaDiscovery(context, this);
    }

    @Override
    public void start() {
        context.own(open::close); // every plug connection closes with the plugin, even one mid-request
        if (!config.recordBatchInterval().isZero()) {
            batchSoon = context.scheduler().coalescing(config.recordBatchInterval(), this::flush);
        }
        for (InetSocketAddress a : config.deviceAddresses()) {
            add(a, true);
        }
        discovery.start();
    }

    @Override
    public void stop() {
        discovery.stop();
        plugs.values().forEach(p -> {
            if (p.timer != null) {
                p.timer.cancel(false);
            }
            p.connection.close();
        });
        open.close();
        if (batchSoon != null) {
            flush();
        }
    }

    /** A plug at {@code address}, polled from now on (a random first delay spreads the polls over the interval). */
    Plug add(InetSocketAddress address, boolean listed) {
        return plugs.computeIfAbsent(KasaClient.describe(address), k -> {
            // polls run on an event loop (a plug's always on the same one) and open their connection there: no poll
            // hands work to another thread until its readings are recorded
            Plug p = new Plug(address, listed, client.connectionOn(context.netty().eventLoops().next()));
            long first = ThreadLocalRandom.current().nextLong(Math.max(1, config.pollInterval().toMillis()));
            p.timer = p.connection.loop().scheduleWithFixedDelay(() -> pollSafely(p), first, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            return p;
        });
    }

    /**
     * Discovery heard {@code info} from {@code address}: a new plug is polled from now on; a known one that moved
     * (a new DHCP lease) is followed.
     */
    void found(InetSocketAddress address, Sysinfo info) {
        unsupported.remove(address.getHostString());
        Plug known = info.deviceId().isEmpty() ? null : byDevice.get(info.deviceId());
        if (known != null && !KasaClient.describe(known.address).equals(KasaClient.describe(address))) {
            LOG.info("Kasa plug {} ({}) moved from {} to {}", info.alias(), info.deviceId(), KasaClient.describe(known.address),
                    KasaClient.describe(address));
            plugs.remove(KasaClient.describe(known.address), known);
            known.address = address;
            plugs.putIfAbsent(KasaClient.describe(address), known);
            return;
        }
        if (known == null && !plugs.containsKey(KasaClient.describe(address))) {
            LOG.info("Kasa plug found: {} {} at {}", info.model(), info.alias(), KasaClient.describe(address));
            add(address, false);
        }
    }

    /** A device at {@code address} that the gateway cannot speak with, and why (logged once). */
    void unsupported(String address, String reason) {
        if (unsupported.put(address, reason) == null) {
            LOG.warn("Kasa device at {} is not supported: {}", address, reason);
        }
    }

    /** Whether some plug at {@code host} speaks the legacy protocol. */
    boolean knownHost(String host) {
        return plugs.values().stream().anyMatch(p -> p.address.getHostString().equals(host) && p.info != null);
    }

    /** The plug that answers for device {@code id} (a plug, a strip, or a strip's outlet), if known. */
    Plug plugOf(String deviceId) {
        return byDevice.get(deviceId);
    }

    /** Polls {@code p} now (after an action, so its new state is recorded at once). */
    void pollNow(Plug p) {
        p.connection.loop().execute(() -> pollSafely(p));
    }

    /** A poll that cannot throw: a periodic task that throws is never run again. */
    private void pollSafely(Plug p) {
        try {
            poll(p);
        } catch (RuntimeException e) {
            LOG.error("Kasa poll of {} failed: {}", KasaClient.describe(p.address), Errors.describe(e));
        }
    }

    private void poll(Plug p) {
        if (!p.startPoll()) {
            overruns.increment(); // the last poll of this plug has not finished: this one is missed
            return;
        }
        polls.increment();
        long started = System.nanoTime();
        resolve(p.address).thenCompose(at -> p.connection.send(at, POLL).thenCompose(reply -> {
            Sysinfo info = sysinfo(reply);
            return outletMeters(p, at, info).thenApply(meters -> new Answer(reply, info, meters));
        })).whenComplete((answer, error) -> {
            if (error == null) {
                try {
                    latency.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started),
                            TimeUnit.SECONDS.toMicros(60)));
                    answer(p, answer);
                    return;
                } catch (RuntimeException e) {
                    error = new KasaClient.PlugException("its reply is not a plug's sysinfo (" + Errors.describe(e) + ")");
                }
            }
            failure(p, error);
        });
    }

    /**
     * {@code address} with its host name looked up: at once for an IP address, else on a blocking thread (the
     * system resolver blocks; never on an event loop).
     */
    CompletableFuture<InetSocketAddress> resolve(InetSocketAddress address) {
        String host = address.getHostString();
        if (!address.isUnresolved() || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return CompletableFuture.completedFuture(address.isUnresolved() ? new InetSocketAddress(host, address.getPort()) : address);
        }
        return CompletableFuture.supplyAsync(() -> new InetSocketAddress(host, address.getPort()), context.scheduler().blocking());
    }

    /** What one poll learned: the whole reply, its sysinfo, and a strip's outlets' meters. */
    private record Answer(JsonNode reply, Sysinfo info, Map<String, Realtime> outletMeters) {}

    /** The reply's sysinfo; a reply without a usable one fails the poll (as a {@link KasaClient.PlugException}). */
    private static Sysinfo sysinfo(JsonNode reply) {
        JsonNode sys = reply.path("system").path("get_sysinfo");
        String problem = !sys.isObject() || sys.path("err_code").asInt(0) != 0 ? "no sysinfo in the reply" : null;
        Sysinfo info = problem == null ? Sysinfo.of(sys) : null;
        if (info != null && info.deviceId().isEmpty()) {
            problem = "the sysinfo has no deviceId";
        }
        if (problem != null) {
            throw new CompletionException(new KasaClient.PlugException("its reply is not a plug's sysinfo (" + problem + ")"));
        }
        return info;
    }

    /** A strip's outlets' meters, one request each (the strip's own meter is per outlet); empty for a plug. */
    private CompletableFuture<Map<String, Realtime>> outletMeters(Plug p, InetSocketAddress at, Sysinfo info) {
        if (!info.strip() || !info.energyMeter()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        Map<String, Realtime> out = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Sysinfo.Outlet o : info.outlets()) {
            all.add(p.connection.send(at, "{\"context\":{\"child_ids\":[\"" + o.id() + "\"]},\"emeter\":{\"get_realtime\":null}}")
                    .thenAccept(r -> {
                        Realtime m = Realtime.of(r.path("emeter").path("get_realtime"));
                        if (m != null) {
                            out.put(o.id(), m);
                        }
                    }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> out);
    }

    private void answer(Plug p, Answer answer) {
        Sysinfo info = answer.info();
        Instant now = clock.instant();
        p.info = info;
        p.cloud = cloud(answer.reply().path("cnCloud").path("get_info"));
        boolean back = p.answered(now);
        answered.increment();
        byDevice.put(info.deviceId(), p);
        info.outlets().forEach(o -> byDevice.put(o.id(), p));
        if (back) {
            LOG.info("Kasa plug {} ({}) at {} answers", info.alias(), info.model(), KasaClient.describe(p.address));
        }
        register(p, info, now, readings(info, Realtime.of(answer.reply().path("emeter").path("get_realtime")), answer.outletMeters(), now));
    }

    private void failure(Plug p, Throwable error) {
        Throwable cause = Errors.unwrap(error);
        String why = cause instanceof KasaClient.PlugException ? cause.getMessage() : Errors.describe(cause);
        failedPolls.increment();
        if (p.failed(why, config.offlineAfterMissedPolls())) {
            Sysinfo info = p.info;
            LOG.warn("Kasa plug {} at {} is offline: {} polls missed ({})", info == null ? "" : info.alias(),
                    KasaClient.describe(p.address), config.offlineAfterMissedPolls(), why);
            if (info != null) {
                Instant now = clock.instant();
                List<Reading> offline = new ArrayList<>();
                offline.add(reading(info.deviceId(), now, Map.of("online", MetricValue.of(false))));
                info.outlets().forEach(o -> offline.add(reading(o.id(), now, Map.of("online", MetricValue.of(false)))));
                register(p, info, now, offline);
            }
        }
    }

    /** The readings of one answer: the plug's (or the strip's and each outlet's). */
    static List<Reading> readings(Sysinfo info, Realtime meter, Map<String, Realtime> outletMeters, Instant now) {
        List<Reading> out = new ArrayList<>();
        Map<String, MetricValue> m = new LinkedHashMap<>();
        if (info.relay() != null) {
            m.put("relay", MetricValue.of(info.relay()));
        }
        if (info.onTime() != null && !info.strip()) {
            m.put("on_time", MetricValue.of(info.onTime(), "s"));
        }
        if (info.rssi() != null) {
            m.put("rssi", MetricValue.of(info.rssi(), "dBm"));
        }
        m.put("led", MetricValue.of(info.ledOn()));
        m.put("online", MetricValue.of(true));
        if (!info.strip()) {
            meter(m, meter);
        }
        out.add(reading(info.deviceId(), now, m));
        for (Sysinfo.Outlet o : info.outlets()) {
            Map<String, MetricValue> om = new LinkedHashMap<>();
            om.put("relay", MetricValue.of(o.relay()));
            om.put("on_time", MetricValue.of(o.onTime(), "s"));
            om.put("online", MetricValue.of(true));
            meter(om, outletMeters.get(o.id()));
            out.add(reading(o.id(), now, om));
        }
        return out;
    }

    private static void meter(Map<String, MetricValue> m, Realtime r) {
        if (r == null) {
            return;
        }
        if (r.watts() != null) {
            m.put("power", MetricValue.of(r.watts(), "W"));
        }
        if (r.volts() != null) {
            m.put("voltage", MetricValue.of(r.volts(), "V"));
        }
        if (r.amps() != null) {
            m.put("current", MetricValue.of(r.amps(), "A"));
        }
        if (r.kilowattHours() != null) {
            m.put("energy", MetricValue.of(r.kilowattHours(), "kWh"));
        }
    }

    private static Reading reading(String device, Instant now, Map<String, MetricValue> metrics) {
        return new Reading(device, PROFILE, now, now, metrics, Map.of());
    }

    /** The plug's view of the cloud, as attributes ({@code cloud.server}, {@code cloud.connected}, {@code cloud.bound}). */
    static Map<String, String> cloud(JsonNode c) {
        if (!c.isObject() || c.path("err_code").asInt(0) != 0) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("cloud.server", c.path("server").asText(""));
        out.put("cloud.connected", String.valueOf(c.path("cld_connection").asInt(0) == 1));
        out.put("cloud.bound", String.valueOf(c.path("binded").asInt(0) == 1));
        return out;
    }

    /** Records at once, or with the next batch when {@code recordBatchInterval} is set. */
    private void record(List<Reading> readings) {
        Runnable batch = batchSoon;
        if (batch == null) {
            write(readings);
        } else {
            unwritten.addAll(readings);
            batch.run();
        }
    }

    /** Writes the readings waiting for the batch (on a blocking thread, and a last time when the plugin stops). */
    private void flush() {
        List<Reading> batch = new ArrayList<>();
        for (Reading r; (r = unwritten.poll()) != null; ) {
            batch.add(r);
        }
        if (!batch.isEmpty()) {
            write(batch);
        }
    }

    private void write(List<Reading> readings) {
        context.recorder().recordAsync(readings).whenComplete((ok, error) -> {
            if (error != null) {
                notRecorded.add(readings.size());
                LOG.error("{} Kasa reading(s) not recorded: {}", readings.size(), Errors.describe(error));
            }
        });
    }

    /**
     * Writes the devices' attributes to the registry when they changed (a blocking write, off the event loop), then
     * records the readings: a sink meets a device's first reading with the device (and its actions) known.
     */
    private void register(Plug p, Sysinfo info, Instant now, List<Reading> readings) {
        List<Device> changed = new ArrayList<>();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("type", info.strip() ? "strip" : "plug");
        attrs.put("model", info.model());
        attrs.put("hardware", info.hardware());
        attrs.put("firmware", info.firmware());
        attrs.put("mac", info.mac());
        attrs.put("alias", info.alias());
        attrs.put("address", KasaClient.describe(p.address));
        attrs.put("online", String.valueOf(p.online()));
        attrs.put("capabilities", (info.strip() ? "outlets" : "relay") + ",led" + (info.energyMeter() ? ",emeter" : ""));
        attrs.putAll(p.cloud);
        changedDevice(info.deviceId(), attrs, now, changed);
        for (Sysinfo.Outlet o : info.outlets()) {
            Map<String, String> oa = new LinkedHashMap<>();
            oa.put("type", "outlet");
            oa.put("model", info.model());
            oa.put("alias", o.alias());
            oa.put("parent", info.deviceId());
            oa.put("online", String.valueOf(p.online()));
            oa.put("capabilities", "relay" + (info.energyMeter() ? ",emeter" : ""));
            changedDevice(o.id(), oa, now, changed);
        }
        if (!changed.isEmpty()) {
            context.scheduler().blocking().execute(() -> {
                for (Device d : changed) {
                    try {
                        context.recorder().recordDevice(d);
                    } catch (Exception e) {
                        registered.remove(d.id()); // written again at the next poll
                        LOG.error("Kasa device {} not registered: {}", d.id(), Errors.describe(e));
                    }
                }
                record(readings);
            });
        } else {
            record(readings);
        }
    }

    private void changedDevice(String id, Map<String, String> attrs, Instant now, List<Device> changed) {
        if (!attrs.equals(registered.put(id, Map.copyOf(attrs)))) {
            changed.add(new Device(id, PROFILE, now, now, attrs));
        }
    }

    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        plugs.values().forEach(p -> list.add(p.status()));
        list.sort(java.util.Comparator.comparing(m -> String.valueOf(m.get("address"))));
        out.put("plugs", list);
        List<Map<String, String>> un = new ArrayList<>();
        unsupported.forEach((a, r) -> un.add(Map.of("address", a, "reason", r)));
        out.put("unsupported", un);
        out.put("polls", polls.sum());
        out.put("answered", answered.sum());
        out.put("failedPolls", failedPolls.sum());
        out.put("missedPolls", overruns.sum());
        out.put("notRecorded", notRecorded.sum());
        synchronized (latencyTotal) {
            latencyTotal.add(latency.getIntervalHistogram());
            out.put("pollLatencyP50Ms", latencyTotal.getTotalCount() == 0 ? null : latencyTotal.getValueAtPercentile(50) / 1000.0);
            out.put("pollLatencyP99Ms", latencyTotal.getTotalCount() == 0 ? null : latencyTotal.getValueAtPercentile(99) / 1000.0);
        }
        out.put("discovery", discovery.status());
        return out;
    }
}
