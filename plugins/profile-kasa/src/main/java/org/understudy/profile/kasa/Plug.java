package org.understudy.profile.kasa;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * One plug (or power strip) the gateway polls: where it is, what it last said, and whether it answers. Its
 * mutable state changes only under its own lock; polls of one plug never overlap.
 */
final class Plug {

    /** Where it is found (it may move: discovery updates it). */
    volatile InetSocketAddress address;
    /** Listed in the configuration: polled even before it ever answered. */
    final boolean listed;
    /** What it last said about itself, or {@code null} until it answers. */
    volatile Sysinfo info;
    /** Its view of the cloud ({@code cnCloud.get_info}), as device attributes. */
    volatile Map<String, String> cloud = Map.of();
    /** Its connection: polls and actions are sent one after the other on it, and polls run on its event loop. */
    final PlugConnection connection;
    /** Its poll timer. */
    volatile ScheduledFuture<?> timer;

    private boolean polling;
    private int missed;
    private boolean online;
    private Instant lastAnswer;
    private String lastError;

    Plug(InetSocketAddress address, boolean listed, PlugConnection connection) {
        this.address = address;
        this.listed = listed;
        this.connection = connection;
    }

    /** Starts a poll unless one is still running; false means this poll is missed. */
    synchronized boolean startPoll() {
        if (polling) {
            return false;
        }
        polling = true;
        return true;
    }

    /** The poll was answered; true when the plug was offline (or never seen) until now. */
    synchronized boolean answered(Instant at) {
        polling = false;
        missed = 0;
        lastAnswer = at;
        lastError = null;
        boolean back = !online;
        online = true;
        return back;
    }

    /**
     * The poll failed; true when this failure makes the plug offline ({@code offlineAfter} misses in a row of a
     * plug that was online).
     */
    synchronized boolean failed(String error, int offlineAfter) {
        polling = false;
        missed++;
        lastError = error;
        if (online && missed >= offlineAfter) {
            online = false;
            return true;
        }
        return false;
    }

    synchronized boolean online() {
        return online;
    }

    synchronized Map<String, Object> status() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Sysinfo i = info;
        out.put("address", KasaClient.describe(address));
        out.put("deviceId", i == null ? null : i.deviceId());
        out.put("alias", i == null ? null : i.alias());
        out.put("model", i == null ? null : i.model());
        out.put("online", online);
        out.put("missedInARow", missed);
        out.put("lastAnswer", lastAnswer == null ? null : lastAnswer.toString());
        out.put("lastError", lastError);
        return out;
    }
}
