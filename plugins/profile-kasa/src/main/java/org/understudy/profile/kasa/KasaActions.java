package org.understudy.profile.kasa;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.understudy.api.ActionException;
import org.understudy.api.Errors;
import org.understudy.api.model.ActionDescriptor;
import org.understudy.api.model.Device;
import org.understudy.api.spi.DeviceActions;

/**
 * What can be done with a plug: its relay on, off or toggled (per outlet on a strip), its LED on or off, a
 * reboot. Each action is sent, then the plug is asked for its state, which is the answer: what the plug
 * confirms, not what was asked. The plug is polled right after, so its new state is recorded at once.
 */
final class KasaActions implements DeviceActions {

    static final List<ActionDescriptor> RELAY = List.of(
            ActionDescriptor.of("on", "Switch the relay on"),
            ActionDescriptor.of("off", "Switch the relay off"),
            ActionDescriptor.of("toggle", "Switch the relay to the other state"));
    static final List<ActionDescriptor> DEVICE = List.of(
            ActionDescriptor.of("led-on", "Turn the status LED on"),
            ActionDescriptor.of("led-off", "Turn the status LED off (night mode)"),
            ActionDescriptor.of("reboot", "Restart the plug (it is unreachable for a few seconds)"));

    private final KasaDriver driver;

    KasaActions(KasaDriver driver) {
        this.driver = driver;
    }

    @Override
    public List<ActionDescriptor> actionsOf(Device device) {
        return switch (device.attributes().getOrDefault("type", "")) {
            case "plug" -> concat(RELAY, DEVICE);
            case "strip" -> DEVICE;
            case "outlet" -> RELAY;
            default -> List.of();
        };
    }

    private static List<ActionDescriptor> concat(List<ActionDescriptor> a, List<ActionDescriptor> b) {
        List<ActionDescriptor> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    @Override
    public CompletableFuture<Map<String, Object>> run(Device device, String action, Map<String, Object> parameters) {
        Plug plug = driver.plugOf(device.id());
        if (plug == null || plug.info == null) {
            return CompletableFuture.failedFuture(new ActionException(ActionException.Kind.UNREACHABLE,
                    "the plug has not answered since the gateway started"));
        }
        // the plug's host name (if it has one) is looked up once, off the caller's thread
        return driver.resolve(plug.address).thenCompose(at -> run(plug, at, device, action))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(asActionFailure(e, plug)));
    }

    /** The action sent to the plug at {@code at}, answered with the state it confirms. */
    private CompletableFuture<Map<String, Object>> run(Plug plug, InetSocketAddress at, Device device, String action) {
        boolean outlet = "outlet".equals(device.attributes().get("type"));
        String context = outlet ? "\"context\":{\"child_ids\":[\"" + device.id() + "\"]}," : "";
        CompletableFuture<String> command = switch (action) {
            case "on" -> CompletableFuture.completedFuture(relay(context, true));
            case "off" -> CompletableFuture.completedFuture(relay(context, false));
            case "toggle" -> state(plug, at, device.id()).thenApply(now -> relay(context, !Boolean.TRUE.equals(now.get("on"))));
            case "led-on" -> CompletableFuture.completedFuture("{\"system\":{\"set_led_off\":{\"off\":0}}}");
            case "led-off" -> CompletableFuture.completedFuture("{\"system\":{\"set_led_off\":{\"off\":1}}}");
            case "reboot" -> CompletableFuture.completedFuture("{\"system\":{\"reboot\":{\"delay\":1}}}");
            default -> CompletableFuture.failedFuture(new ActionException(ActionException.Kind.UNKNOWN_ACTION, action));
        };
        return command.thenCompose(json -> plug.connection.send(at, json)).thenCompose(reply -> {
            String refused = refusal(reply);
            if (refused != null) {
                throw new CompletionException(new ActionException(ActionException.Kind.FAILED, "the plug refused: " + refused));
            }
            if (action.equals("reboot")) {
                return CompletableFuture.completedFuture(Map.<String, Object>of("rebooting", true));
            }
            driver.pollNow(plug);
            return state(plug, at, device.id());
        });
    }

    private static String relay(String context, boolean on) {
        return "{" + context + "\"system\":{\"set_relay_state\":{\"state\":" + (on ? 1 : 0) + "}}}";
    }

    /** The device's confirmed state: its relay (a plug's or an outlet's) and the LED. */
    private CompletableFuture<Map<String, Object>> state(Plug plug, InetSocketAddress at, String deviceId) {
        return plug.connection.send(at, "{\"system\":{\"get_sysinfo\":null}}").thenApply(reply -> {
            Sysinfo info = Sysinfo.of(reply.path("system").path("get_sysinfo"));
            Map<String, Object> out = new LinkedHashMap<>();
            if (deviceId.equals(info.deviceId())) {
                if (info.relay() != null) {
                    out.put("on", info.relay());
                }
            } else {
                info.outlets().stream().filter(o -> o.id().equals(deviceId)).findFirst().ifPresent(o -> out.put("on", o.relay()));
            }
            out.put("led", info.ledOn());
            return out;
        });
    }

    /** The first module's error in a reply ({@code err_code} not 0), or {@code null}. */
    static String refusal(JsonNode reply) {
        for (var module = reply.fields(); module.hasNext();) {
            var m = module.next();
            if (m.getKey().equals("context")) {
                continue;
            }
            for (var method = m.getValue().fields(); method.hasNext();) {
                JsonNode r = method.next().getValue();
                if (r.path("err_code").asInt(0) != 0) {
                    return r.path("err_msg").asText("error " + r.path("err_code").asInt());
                }
            }
        }
        return null;
    }

    private static Throwable asActionFailure(Throwable e, Plug plug) {
        Throwable cause = Errors.unwrap(e);
        if (cause instanceof ActionException) {
            return cause;
        }
        return new ActionException(ActionException.Kind.UNREACHABLE, "the plug at " + KasaClient.describe(plug.address)
                + " did not answer: " + cause.getMessage(), cause);
    }
}
