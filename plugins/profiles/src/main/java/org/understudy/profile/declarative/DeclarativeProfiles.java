package org.understudy.profile.declarative;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.PluginContext;
import org.understudy.api.model.HostIndex;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricInfo;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;

/**
 * The declarative profiles plugin (id {@code profiles}): every {@code conf/profiles/*.json} is one device
 * family that uploads over plain HTTP. The directory is looked at every {@code reloadInterval}: a new, changed
 * or deleted file takes effect at once (its hosts are claimed or withdrawn through
 * {@code contributionsChanged}, no restart). A file that cannot be used (not JSON, against the schema, a host
 * another profile or file claims) is reported with its name and the place of each problem, in the log (once per
 * version of the file) and in the status; the other files keep working, and a file that was good before keeps
 * its last good version in force until it is fixed.
 */
public final class DeclarativeProfiles implements DeviceProfile<ProfilesConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(DeclarativeProfiles.class);

    /** What is known of one file: its last good family (or none), and its current problem (or none). */
    /** @param checked the {@link FamilyParser#schemaCheckName} of {@code text} when it is in force, else null */
    private record FileState(String text, Family good, String error, String checked) {}

    private final FamilyParser parser = new FamilyParser();
    /** Where the names of file texts the schema passed are kept across restarts ({@link FamilyParser#schemaCheckName}). */
    static final String SCHEMA_PASSED_FILE = "schema-passed.txt";
    /** The names kept in {@link #SCHEMA_PASSED_FILE}: read at start, written when the texts in force change. */
    private Set<String> schemaPassed = Set.of();
    private final Map<String, FileState> files = new TreeMap<>();
    private volatile PluginContext<ProfilesConfig> context;
    private volatile HostIndex<Family> byHost = HostIndex.empty();
    private volatile List<HostPattern> hosts = List.of();
    private volatile Map<String, List<MetricInfo>> metrics = Map.of();
    private volatile Map<String, java.time.Duration> intervals = Map.of();
    private volatile FamilyInterceptor interceptor;
    private volatile Path directory;

    @Override
    public String id() {
        return "profiles";
    }

    @Override
    public Class<ProfilesConfig> configType() {
        return ProfilesConfig.class;
    }

    @Override
    public ProfilesConfig defaultConfig() {
        return ProfilesConfig.DEFAULTS;
    }

    @Override
    public void start(PluginContext<ProfilesConfig> context) throws IOException {
        this.context = context;
        ProfilesConfig c = context.config();
        directory = context.confDirectory().resolve(c.directory());
        interceptor = new FamilyInterceptor(this::familyOf, FamilyParser.DEFAULT_DEADLINE, Clock.systemUTC());
        readSchemaPassed();
        // the files present now are read before the plugin is registered: their hosts are claimed from the start
        reload();
        context.scheduler().onDirectoryChange(directory, c.reloadInterval(), this::reloadAndTell);
        context.web().mount(ProfileEditor.PATH, "Device profile files", new ProfileEditor(this));
    }

    @Override
    public void stop() {
        // the reload timer is the scheduler's
    }

    private Optional<Family> familyOf(String host) {
        return byHost.find(host);
    }

    private void reloadAndTell() {
        if (reload()) {
            context.contributionsChanged();
        }
    }

    /** Reads what changed in the directory; true when the hosts claimed changed. */
    synchronized boolean reload() {
        Map<String, String> now = new TreeMap<>();
        Map<String, String> unreadable = new TreeMap<>();
        if (!list(now, unreadable)) {
            return false;
        }
        files.keySet().retainAll(union(now.keySet(), unreadable.keySet()));
        unreadable.forEach((name, problem) -> {
            FileState before = files.get(name);
            if (before == null || !problem.equals(before.error())) {
                LOG.error("profile file {} {}", name, problem);
            }
            files.put(name, new FileState(null, before == null ? null : before.good(), problem, null));
        });
        // changed files, and files not used for a reason that may have gone (a host another file claimed)
        for (Map.Entry<String, String> f : now.entrySet()) {
            FileState before = files.get(f.getKey());
            if (before == null || !f.getValue().equals(before.text()) || before.error() != null) {
                consider(f.getKey(), f.getValue(), before);
            }
        }
        keepSchemaPassed();
        return publish();
    }

    private void readSchemaPassed() {
        Path kept = context.dataDirectory().resolve(SCHEMA_PASSED_FILE);
        try {
            if (Files.exists(kept)) {
                schemaPassed = Set.copyOf(Files.readAllLines(kept, StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}: every profile file is checked against the schema ({})", kept,
                    org.understudy.api.Errors.describe(e));
        }
    }

    /** Keeps the names of the texts in force (written whole, then moved into place; only when they changed). */
    private void keepSchemaPassed() {
        Set<String> inForce = new TreeSet<>();
        for (FileState f : files.values()) {
            if (f.checked() != null) {
                inForce.add(f.checked());
            }
        }
        if (inForce.equals(schemaPassed)) {
            return;
        }
        Path kept = context.dataDirectory().resolve(SCHEMA_PASSED_FILE);
        try {
            Path temporary = kept.resolveSibling(SCHEMA_PASSED_FILE + ".tmp");
            Files.write(temporary, inForce, StandardCharsets.UTF_8);
            Files.move(temporary, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            schemaPassed = Set.copyOf(inForce);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write {}: the next start checks every profile file against the schema ({})", kept,
                    org.understudy.api.Errors.describe(e));
        }
    }

    /** Lists the directory's files; false when it cannot be listed (what is in force stays). */
    private boolean list(Map<String, String> texts, Map<String, String> unreadable) {
        if (!Files.isDirectory(directory)) {
            return true; // no directory: no families
        }
        int max = context.config().maxFileBytes();
        try (DirectoryStream<Path> jsons = Files.newDirectoryStream(directory, "*.json")) {
            for (Path f : jsons) {
                String name = f.getFileName().toString();
                try {
                    if (Files.size(f) > max) {
                        unreadable.put(name, "is not used: larger than maxFileBytes (" + max + " bytes)");
                    } else {
                        texts.put(name, Files.readString(f, StandardCharsets.UTF_8));
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    unreadable.put(name, "is not used: cannot be read as UTF-8 text: " + org.understudy.api.Errors.describe(e));
                }
            }
            return true;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", directory, org.understudy.api.Errors.describe(e));
            return false;
        }
    }

    /**
     * Puts a file's new text in force if it describes a usable family that claims nothing claimed already;
     * otherwise the file's last good version stays in force and the problem is reported (logged once).
     */
    private void consider(String name, String text, FileState before) {
        Family kept = before == null ? null : before.good();
        String problem;
        try {
            String checked = FamilyParser.schemaCheckName(text);
            Family family = parser.parse(name, text, context.config().maxReplyDeadline(), schemaPassed.contains(checked));
            problem = conflict(family, name);
            if (problem == null) {
                files.put(name, new FileState(text, family, null, checked));
                if (kept == null || !kept.equals(family)) {
                    LOG.info("profile file {}: family {} ({}) on {}", name, family.id(), family.name(),
                            family.hosts().stream().map(HostPattern::pattern).toList());
                }
                return;
            }
        } catch (FamilyParser.Invalid e) {
            problem = e.getMessage();
        }
        if (before == null || !problem.equals(before.error())) {
            LOG.error("profile file {} is not used{}: {}", name,
                    kept == null ? "" : " (its last good version stays in force)", problem);
        }
        files.put(name, new FileState(text, kept, problem, null));
    }

    /** The files, each with its state, family, hosts and problem (as {@link #status()} lists them). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> fileStates() {
        return (List<Map<String, Object>>) status().get("files");
    }

    /** The text of file {@code name} as last read, if it is one of the files (and could be read). */
    synchronized Optional<String> text(String name) {
        FileState state = files.get(name);
        return Optional.ofNullable(state == null ? null : state.text());
    }

    /** Why {@code text}, saved as {@code name}, would not be used, or {@code null} when it would be. */
    synchronized String problem(String name, String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > context.config().maxFileBytes()) {
            return "larger than maxFileBytes (" + context.config().maxFileBytes() + " bytes)";
        }
        try {
            return conflict(parser.parse(name, text, context.config().maxReplyDeadline()), name);
        } catch (FamilyParser.Invalid e) {
            return e.getMessage();
        }
    }

    /**
     * Saves {@code text} as {@code name} when it would be used (written whole, then moved into place, so the reload
     * never reads half a file) and puts it in force at once; returns the problem instead when it would not be.
     */
    String save(String name, String text) throws IOException {
        synchronized (this) {
            String problem = problem(name, text);
            if (problem != null) {
                return problem;
            }
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".saving-", ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, directory.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
            LOG.info("profile file {} saved from the web", name);
        }
        reloadAndTell();
        return null;
    }

    /** Why {@code f}, from file {@code file}, cannot be used beside the families in force, or {@code null}. */
    private String conflict(Family f, String file) {
        for (Map.Entry<String, FileState> e : files.entrySet()) {
            Family other = e.getValue().good();
            if (e.getKey().equals(file) || other == null) {
                continue;
            }
            if (other.id().equals(f.id())) {
                return "/id: family id '" + f.id() + "' is already used by " + e.getKey();
            }
            for (int i = 0; i < f.hosts().size(); i++) {
                if (other.hosts().contains(f.hosts().get(i))) {
                    return "/hosts/" + i + ": host " + f.hosts().get(i).pattern() + " is already claimed by " + e.getKey();
                }
            }
        }
        for (int i = 0; i < f.hosts().size(); i++) {
            HostPattern h = f.hosts().get(i);
            Optional<DeviceProfile<?>> other = context.profiles().interceptorOf(h.wildcard() ? "x" + h.pattern().substring(1) : h.pattern());
            if (other.isPresent() && !other.get().id().equals(id())) {
                return "/hosts/" + i + ": host " + h.pattern() + " is already claimed by profile " + other.get().id();
            }
        }
        return null;
    }

    /** Indexes the families in force by host; true when the hosts claimed changed. */
    private boolean publish() {
        List<Map.Entry<HostPattern, Family>> claims = new ArrayList<>();
        Map<String, List<MetricInfo>> described = new LinkedHashMap<>();
        Map<String, java.time.Duration> every = new LinkedHashMap<>();
        for (FileState state : files.values()) {
            Family f = state.good();
            if (f != null) {
                f.hosts().forEach(h -> claims.add(Map.entry(h, f)));
                described.put(f.id(), f.metrics());
                if (f.expectedInterval() != null) {
                    every.put(f.id(), f.expectedInterval());
                }
            }
        }
        List<HostPattern> claimed = claims.stream().map(Map.Entry::getKey).toList();
        boolean changed = !claimed.equals(hosts) || !described.equals(metrics) || !every.equals(intervals);
        byHost = HostIndex.of(claims);
        hosts = claimed;
        metrics = Map.copyOf(described);
        intervals = Map.copyOf(every);
        return changed;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return out;
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }

    @Override
    public Map<String, List<MetricInfo>> metrics() {
        return metrics;
    }

    @Override
    public Map<String, java.time.Duration> expectedIntervals() {
        return intervals;
    }

    @Override
    public Optional<HttpInterceptor> httpInterceptor() {
        return Optional.ofNullable(interceptor);
    }

    @Override
    public synchronized Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("directory", String.valueOf(directory));
        List<Map<String, Object>> list = new ArrayList<>();
        files.forEach((name, state) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", name);
            m.put("state", state.error() == null ? "in force" : state.good() == null ? "not used" : "last good version in force");
            if (state.good() != null) {
                m.put("family", state.good().id());
                m.put("hosts", state.good().hosts().stream().map(HostPattern::pattern).toList());
            }
            m.put("error", state.error());
            list.add(m);
        });
        out.put("files", list);
        FamilyInterceptor i = interceptor;
        if (i != null) {
            out.put("invalidValues", i.invalidValues.sum());
            out.put("requestsNoRouteTakes", i.unrouted.sum());
        }
        return out;
    }

    /** The families in force, by file, for tests. */
    synchronized Map<String, Family> inForce() {
        Map<String, Family> out = new TreeMap<>();
        files.forEach((name, state) -> {
            if (state.good() != null) {
                out.put(name, state.good());
            }
        });
        return out;
    }
}
