package org.understudy.profile.declarative;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.understudy.api.model.HostPattern;
import org.understudy.api.model.MetricInfo;

/**
 * One device family as its file describes it: parsed and validated, immutable.
 *
 * @param id the profile name its readings and devices carry
 * @param name what people call it
 * @param file the file it came from (for messages)
 * @param hosts the hostnames its devices upload to
 * @param replyDeadline how long a device waits for its reply
 * @param expectedInterval how often a device uploads, or {@code null} when not said
 * @param routes the requests its devices make, in order
 */
record Family(String id, String name, String file, List<HostPattern> hosts, Duration replyDeadline, Duration expectedInterval,
              List<Route> routes) {

    /** The first route that takes this method and path, with the path's {@code {name}} segments read. */
    Optional<Route.Match> route(String method, String path) {
        for (Route r : routes) {
            Optional<Route.Match> m = r.match(method, path);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /** Its metrics described, for sinks and dashboards (a metric in several routes is described once). */
    List<MetricInfo> metrics() {
        Map<String, MetricInfo> out = new java.util.LinkedHashMap<>();
        for (Route r : routes) {
            r.metrics().forEach((name, spec) -> out.putIfAbsent(name, new MetricInfo(name, spec.quantity(), spec.unit(), spec.description())));
        }
        return List.copyOf(out.values());
    }
}
