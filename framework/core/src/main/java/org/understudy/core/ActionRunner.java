package org.understudy.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.understudy.api.ActionException;
import org.understudy.api.ActionService;
import org.understudy.api.Errors;
import org.understudy.api.QueryService;
import org.understudy.api.RecordException;
import org.understudy.api.Recorder;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.model.Flow;
import org.understudy.api.spi.DeviceActions;

/**
 * Runs device actions for the REST API and for plugins: finds the device's profile, checks the parameters
 * against the action's descriptor, bounds the run by {@code actionTimeout}, and records every run (who, when,
 * what, outcome) as a flow with outcome {@code ACTION}.
 */
final class ActionRunner implements ActionService {

    private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);
    /** Created at the first action, not with the runtime: Jackson's first mapper takes ~0.1 s of a small box's start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final QueryService queries;
    /** The actions of a running profile, by profile id. */
    private final Function<String, Optional<DeviceActions>> profiles;
    private final Recorder recorder;
    private final Executor blocking;
    private final Supplier<Duration> timeout;
    private final Clock clock;

    ActionRunner(QueryService queries, Function<String, Optional<DeviceActions>> profiles, Recorder recorder, Executor blocking,
                 Supplier<Duration> timeout, Clock clock) {
        this.queries = queries;
        this.profiles = profiles;
        this.recorder = recorder;
        this.blocking = blocking;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public List<ActionDescriptor> actionsOf(String deviceId) {
        Device d = device(deviceId);
        return d == null ? List.of() : actionsOf(d);
    }

    List<ActionDescriptor> actionsOf(Device d) {
        try {
            return profiles.apply(d.profile()).map(a -> a.actionsOf(d)).orElse(List.of());
        } catch (RuntimeException e) {
            LOG.warn("profile {} failed to list the actions of {}: {}", d.profile(), d.id(), Errors.describe(e));
            return List.of();
        }
    }

    private Device device(String deviceId) {
        try {
            return queries.device(deviceId).orElse(null);
        } catch (RuntimeException noStore) {
            return null;
        }
    }

    @Override
    public CompletableFuture<Map<String, Object>> run(String deviceId, String action, Map<String, Object> parameters, String who) {
        Instant start = clock.instant();
        Map<String, Object> given = parameters == null ? Map.of() : parameters;
        CompletableFuture<Map<String, Object>> result;
        String profile = "";
        try {
            Device d = device(deviceId);
            if (d == null) {
                throw new ActionException(ActionException.Kind.UNKNOWN_DEVICE, "no device '" + deviceId + "' is known");
            }
            profile = d.profile();
            DeviceActions actions = profiles.apply(d.profile()).orElse(null);
            ActionDescriptor descriptor = actions == null ? null
                    : actionsOf(d).stream().filter(a -> a.name().equals(action)).findFirst().orElse(null);
            if (descriptor == null) {
                throw new ActionException(ActionException.Kind.UNKNOWN_ACTION, "device '" + deviceId + "' offers no action '"
                        + action + "'" + (actions == null ? " (its profile " + d.profile() + " is not running or offers none)" : ""));
            }
            Map<String, Object> checked = ActionParameters.check(descriptor, given);
            Duration limit = timeout.get();
            result = actions.run(d, action, checked).orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> {
                        Throwable cause = Errors.unwrap(e);
                        if (cause instanceof ActionException a) {
                            throw new CompletionException(a);
                        }
                        if (cause instanceof TimeoutException) {
                            throw new CompletionException(new ActionException(ActionException.Kind.UNREACHABLE,
                                    "device '" + deviceId + "' did not answer within " + limit.toMillis() + " ms (actionTimeout)"));
                        }
                        throw new CompletionException(new ActionException(ActionException.Kind.FAILED, Errors.describe(cause), cause));
                    });
        } catch (ActionException e) {
            result = CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(new ActionException(ActionException.Kind.FAILED, Errors.describe(e), e));
        }
        String profileId = profile;
        return result.whenComplete((answer, error) -> record(start, profileId, deviceId, action, given, who, answer, error));
    }

    /** The flow of one action run, written off the caller's thread. */
    private void record(Instant start, String profile, String deviceId, String action, Map<String, Object> parameters,
                        String who, Map<String, Object> answer, Throwable error) {
        ActionException failure = error != null && Errors.unwrap(error) instanceof ActionException a ? a : null;
        int status = failure == null ? (error == null ? 200 : 500) : switch (failure.kind()) {
            case UNKNOWN_DEVICE, UNKNOWN_ACTION -> 404;
            case BAD_PARAMETERS -> 400;
            case UNREACHABLE -> 504;
            case FAILED -> 502;
        };
        String reply = error == null ? json(answer) : json(Map.of("error", failure != null ? failure.getMessage() : Errors.describe(error)));
        Flow flow = new Flow(start, Duration.between(start, clock.instant()), profile, who, deviceId, "ACTION", action, status,
                Flow.Outcome.ACTION, List.of(), List.of(), body(json(parameters)), body(reply));
        try {
            blocking.execute(() -> {
                try {
                    recorder.recordFlow(flow);
                } catch (RecordException e) {
                    LOG.warn("action {} on {} not recorded: {}", action, deviceId, e.getMessage());
                }
            });
        } catch (RuntimeException stopping) {
            LOG.warn("action {} on {} not recorded: {}", action, deviceId, Errors.describe(stopping));
        }
    }

    private static Flow.Body body(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Flow.Body(bytes, null, bytes.length);
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value == null ? Map.of() : value);
        } catch (Exception e) {
            return String.valueOf(value);
        }
    }

    /** Checks and converts an action's parameters against its descriptor. */
    static final class ActionParameters {
        private ActionParameters() {
        }

        static Map<String, Object> check(ActionDescriptor d, Map<String, Object> given) throws ActionException {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String name : given.keySet()) {
                if (d.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                    throw bad("unknown parameter '" + name + "' (" + d.name() + " takes "
                            + d.parameters().stream().map(ActionDescriptor.Parameter::name).toList() + ")");
                }
            }
            for (ActionDescriptor.Parameter p : d.parameters()) {
                Object v = given.get(p.name());
                if (v == null) {
                    if (p.required()) {
                        throw bad("missing parameter '" + p.name() + "'");
                    }
                    continue;
                }
                out.put(p.name(), convert(p, v));
            }
            return out;
        }

        private static Object convert(ActionDescriptor.Parameter p, Object v) throws ActionException {
            switch (p.type()) {
                case STRING -> {
                    if (v instanceof String s) {
                        return s;
                    }
                }
                case CHOICE -> {
                    if (v instanceof String s && p.options().contains(s)) {
                        return s;
                    }
                    throw bad("parameter '" + p.name() + "' must be one of " + p.options() + ", got " + v);
                }
                case BOOLEAN -> {
                    if (v instanceof Boolean b) {
                        return b;
                    }
                }
                case INTEGER -> {
                    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                        return n.longValue();
                    }
                }
                case NUMBER -> {
                    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                        return n.doubleValue();
                    }
                }
                default -> {
                }
            }
            throw bad("parameter '" + p.name() + "' must be " + p.type().name().toLowerCase(java.util.Locale.ROOT) + ", got " + v);
        }

        private static ActionException bad(String message) {
            return new ActionException(ActionException.Kind.BAD_PARAMETERS, message);
        }
    }
}
