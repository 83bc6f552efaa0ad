package org.understudy.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.ProfileDirectory;
import org.understudy.api.Subscription;
import org.understudy.api.model.HostIndex;
import org.understudy.api.model.HostPattern;
import org.understudy.api.spi.DeviceProfile;

/**
 * The hostnames claimed by running profiles, as an immutable index swapped on every change: exact names
 * in a hash map, wildcards by longest suffix first, so lookups on the DNS hot path never lock.
 */
final class ProfileRegistry implements ProfileDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileRegistry.class);

    private final Map<DeviceProfile<?>, List<HostPattern>> intercepted = new LinkedHashMap<>();
    private final Map<DeviceProfile<?>, List<HostPattern>> passThrough = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile HostIndex<DeviceProfile<?>> interceptIndex = HostIndex.empty();
    private volatile HostIndex<DeviceProfile<?>> passThroughIndex = HostIndex.empty();
    private volatile List<HostPattern> allIntercepted = List.of();
    private volatile List<Integer> allPassThroughPorts = List.of();
    private final Map<DeviceProfile<?>, List<Integer>> passThroughPorts = new LinkedHashMap<>();
    /** Claims of profiles being restarted, by profile id: their hosts are answered "retry shortly" meanwhile. */
    private final Map<String, List<HostPattern>> restarting = new LinkedHashMap<>();
    /** The families whose metrics each running profile describes, by profile id. */
    private final Map<String, List<String>> describedBy = new HashMap<>();
    /** The metrics running profiles describe, by the profile name readings carry, then metric name. */
    private volatile Map<String, Map<String, org.understudy.api.model.MetricInfo>> metrics = Map.of();
    /** How often a device of each family is heard from when all is well, by the profile name readings carry. */
    private volatile Map<String, java.time.Duration> intervals = Map.of();
    private volatile Map<String, List<HostPattern>> restartingNow = Map.of();

    /** A running profile is about to be restarted: its claims are withdrawn but remembered as starting. */
    synchronized void restarting(DeviceProfile<?> profile) {
        restarting.put(profile.id(), List.copyOf(profile.interceptedHosts()));
        restartingNow = Map.copyOf(restarting);
        remove(profile);
    }

    /** The profile with {@code id} is not starting any more (it runs, or it failed). */
    synchronized void settled(String id) {
        if (restarting.remove(id) != null) {
            restartingNow = Map.copyOf(restarting);
        }
    }

    /** Adds or refreshes a running profile's claims (called on the lifecycle thread). */
    synchronized void put(DeviceProfile<?> profile) {
        settled(profile.id());
        Map<String, Map<String, org.understudy.api.model.MetricInfo>> m = new HashMap<>(metrics);
        describedBy.getOrDefault(profile.id(), List.of()).forEach(m::remove);
        List<String> families = new ArrayList<>();
        profile.metrics().forEach((family, infos) -> {
            Map<String, org.understudy.api.model.MetricInfo> byName = new HashMap<>();
            infos.forEach(i -> byName.put(i.name(), i));
            m.put(family, Map.copyOf(byName));
            families.add(family);
        });
        Map<String, java.time.Duration> i = new HashMap<>(intervals);
        describedBy.getOrDefault(profile.id(), List.of()).forEach(i::remove);
        profile.expectedIntervals().forEach((family, every) -> {
            i.put(family, every);
            if (!families.contains(family)) {
                families.add(family);
            }
        });
        describedBy.put(profile.id(), List.copyOf(families));
        metrics = Map.copyOf(m);
        intervals = Map.copyOf(i);
        intercepted.put(profile, List.copyOf(profile.interceptedHosts()));
        passThrough.put(profile, List.copyOf(profile.passThroughHosts()));
        passThroughPorts.put(profile, List.copyOf(profile.passThroughPorts()));
        rebuild();
    }

    synchronized void remove(DeviceProfile<?> profile) {
        List<String> families = intercepted.containsKey(profile) ? describedBy.remove(profile.id()) : null;
        if (families != null && !families.isEmpty()) {
            Map<String, Map<String, org.understudy.api.model.MetricInfo>> m = new HashMap<>(metrics);
            families.forEach(m::remove);
            metrics = Map.copyOf(m);
            Map<String, java.time.Duration> i = new HashMap<>(intervals);
            families.forEach(i::remove);
            intervals = Map.copyOf(i);
        }
        passThroughPorts.remove(profile);
        if (intercepted.remove(profile) != null | passThrough.remove(profile) != null) {
            rebuild();
        }
    }

    private void rebuild() {
        interceptIndex = index(intercepted);
        passThroughIndex = index(passThrough);
        allIntercepted = intercepted.values().stream().flatMap(List::stream).distinct().toList();
        allPassThroughPorts = passThroughPorts.values().stream().flatMap(List::stream).distinct().sorted().toList();
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("profile directory listener failed", e);
            }
        }
    }

    /** The claims in the order the profiles started: a host claimed twice stays with the first, and is reported. */
    private static HostIndex<DeviceProfile<?>> index(Map<DeviceProfile<?>, List<HostPattern>> claims) {
        List<Map.Entry<HostPattern, DeviceProfile<?>>> all = new ArrayList<>();
        claims.forEach((profile, patterns) -> patterns.forEach(p -> all.add(Map.entry(p, profile))));
        HostIndex<DeviceProfile<?>> index = HostIndex.of(all);
        for (Map.Entry<HostPattern, DeviceProfile<?>> lost : index.conflicts()) {
            LOG.warn("host {} is claimed by profile {} too; the profile that claimed it first keeps it",
                    lost.getKey().pattern(), lost.getValue().id());
        }
        return index;
    }

    @Override
    public Optional<DeviceProfile<?>> interceptorOf(String hostname) {
        return interceptIndex.find(hostname);
    }

    @Override
    public Optional<DeviceProfile<?>> passThroughOf(String hostname) {
        return passThroughIndex.find(hostname);
    }

    @Override
    public boolean claimsNormalised(String host) {
        return interceptIndex.findNormalised(host).isPresent() || passThroughIndex.findNormalised(host).isPresent();
    }

    @Override
    public Optional<org.understudy.api.model.MetricInfo> metricInfo(String profileId, String metric) {
        Map<String, org.understudy.api.model.MetricInfo> mine = metrics.get(profileId);
        return mine == null ? Optional.empty() : Optional.ofNullable(mine.get(metric));
    }

    @Override
    public Optional<java.time.Duration> expectedInterval(String profileId) {
        return Optional.ofNullable(intervals.get(profileId));
    }

    @Override
    public boolean starting(String hostname) {
        Map<String, List<HostPattern>> now = restartingNow;
        if (now.isEmpty() || hostname == null) {
            return false;
        }
        String host = HostPattern.normalise(hostname);
        return now.values().stream().flatMap(List::stream).anyMatch(p -> p.matches(host));
    }

    @Override
    public List<Integer> passThroughPorts() {
        return allPassThroughPorts;
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return allIntercepted;
    }

    @Override
    public Subscription onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
