package org.understudy.it.plugins;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.understudy.api.ActionException;
import org.understudy.api.Description;
import org.understudy.api.PluginContext;
import org.understudy.api.Secret;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricValue;
import org.understudy.api.model.Reading;
import org.understudy.api.spi.DeviceActions;
import org.understudy.api.spi.DeviceProfile;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;
import org.understudy.api.web.WebResponse;

/**
 * A throwaway profile using every part of the plugin contract 0.3 (not a product plugin): device actions, live
 * contributions (it reads {@code contributions.properties} in its data directory every 100 ms: hosts,
 * passThrough, tlsPort), a web endpoint, and a secret in its configuration.
 */
public final class ContractProfile implements DeviceProfile<ContractProfile.Config> {

    @Description("contract test profile")
    public record Config(@Description("a token") @Secret String token, String device) {}

    private volatile List<HostPattern> hosts = List.of();
    private volatile List<HostPattern> passThrough = List.of();
    private volatile List<Integer> tlsPorts = List.of();
    private volatile String lastFile = "";

    @Override
    public String id() {
        return "contract";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config("", "contract-1");
    }

    @Override
    public void start(PluginContext<Config> context) {
        Path file = context.dataDirectory().resolve("contributions.properties");
        context.scheduler().scheduleBlockingWithFixedDelay(() -> reload(context, file), Duration.ZERO, Duration.ofMillis(100));
        context.scheduler().blocking().execute(() -> {
            try {
                Instant now = Instant.now();
                context.recorder().recordDevice(new Device(context.config().device(), id(), now, now, Map.of("kind", "contract")));
                context.recorder().record(List.of(new Reading(context.config().device(), id(), now, now,
                        Map.of("level", MetricValue.of(1, "")), Map.of())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        context.web().mount("contract", "Contract test endpoint", request -> request.path().equals("/hello")
                ? WebResponse.text(200, "hello " + request.user() + (request.parameter("who") == null ? "" : " from " + request.parameter("who")))
                : WebResponse.notFound());
    }

    private void reload(PluginContext<Config> context, Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (text.equals(lastFile)) {
                return;
            }
            lastFile = text;
            Properties p = new Properties();
            p.load(new java.io.StringReader(text));
            hosts = patterns(p.getProperty("hosts", ""));
            passThrough = patterns(p.getProperty("passThrough", ""));
            String port = p.getProperty("tlsPort", "").trim();
            tlsPorts = port.isEmpty() ? List.of() : List.of(Integer.parseInt(port));
            context.contributionsChanged();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<HostPattern> patterns(String list) {
        List<HostPattern> out = new ArrayList<>();
        for (String h : list.split(",")) {
            if (!h.isBlank()) {
                out.add(HostPattern.of(h.trim()));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void stop() {
    }

    @Override
    public List<HostPattern> interceptedHosts() {
        return hosts;
    }

    @Override
    public List<HostPattern> passThroughHosts() {
        return passThrough;
    }

    @Override
    public List<Integer> passThroughPorts() {
        return tlsPorts;
    }

    @Override
    public Optional<HttpInterceptor> httpInterceptor() {
        return Optional.of(new HttpInterceptor() {
            @Override
            public Duration replyDeadline() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Observation observe(HttpRequest request) {
                return Observation.NONE;
            }

            @Override
            public void learn(HttpRequest request, HttpReply reply) {
            }

            @Override
            public Optional<HttpReply> impersonate(HttpRequest request) {
                return Optional.of(new HttpReply(200, List.of(Map.entry("Content-Type", "text/plain")),
                        ("contract answers " + request.host()).getBytes(StandardCharsets.UTF_8), false));
            }
        });
    }

    @Override
    public Optional<DeviceActions> actions() {
        return Optional.of(new DeviceActions() {
            @Override
            public List<ActionDescriptor> actionsOf(Device device) {
                return List.of(new ActionDescriptor("echo", "answers what it was given", List.of(
                                new ActionDescriptor.Parameter("text", ActionDescriptor.Type.STRING, true, "what to say", List.of()),
                                new ActionDescriptor.Parameter("times", ActionDescriptor.Type.INTEGER, false, "how often", List.of()))),
                        ActionDescriptor.of("unreachable", "the device never answers: it is unplugged"),
                        ActionDescriptor.of("slow", "takes longer than any deadline"));
            }

            @Override
            public CompletableFuture<Map<String, Object>> run(Device device, String action, Map<String, Object> parameters) {
                return switch (action) {
                    case "echo" -> CompletableFuture.completedFuture(Map.of("said", String.valueOf(parameters.get("text"))
                            .repeat(((Number) parameters.getOrDefault("times", 1L)).intValue())));
                    case "unreachable" -> CompletableFuture.failedFuture(new ActionException(ActionException.Kind.UNREACHABLE,
                            "connection refused by " + device.id()));
                    default -> new CompletableFuture<>();
                };
            }
        });
    }
}
