package org.understudy.dashboard;

import java.time.Duration;
import org.understudy.api.Description;

/** Configuration of the dashboard (pid {@code understudy.dashboard}). */
@Description("The dashboard at /dashboard/ on the admin web (same port and login): devices and their latest values, "
        + "the vendors' clouds, sinks, store and DNS at a glance, each device's history, the traffic.")
public record DashboardConfig(
        @Description("How often an open page asks the gateway for news (1s to 1m).") Duration refreshInterval,
        @Description("A device silent for more than this many of its family's expected intervals is shown as stale "
                + "(over 2 it is late).") int staleAfterIntervals,
        @Description("How many requests answered locally while a vendor is down are counted at most per refresh "
                + "(more are shown as 'over').") int maxCountedRequests) {

    public static final DashboardConfig DEFAULTS = new DashboardConfig(Duration.ofSeconds(5), 6, 10_000);

    public DashboardConfig {
        if (refreshInterval == null || refreshInterval.compareTo(Duration.ofSeconds(1)) < 0
                || refreshInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("refreshInterval must be between 1s and 1m");
        }
        if (staleAfterIntervals < 3 || staleAfterIntervals > 1000) {
            throw new IllegalArgumentException("staleAfterIntervals must be between 3 and 1000, got " + staleAfterIntervals);
        }
        if (maxCountedRequests < 100 || maxCountedRequests > 1_000_000) {
            throw new IllegalArgumentException("maxCountedRequests must be between 100 and 1000000, got " + maxCountedRequests);
        }
    }
}
