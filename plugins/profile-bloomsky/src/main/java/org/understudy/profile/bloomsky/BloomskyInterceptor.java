package org.understudy.profile.bloomsky;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.understudy.api.spi.HttpInterceptor;
import org.understudy.api.spi.HttpReply;
import org.understudy.api.spi.HttpRequest;
import org.understudy.api.spi.Observation;

/**
 * The Bloomsky backend's protocol. Uploads are observed; a 2xx reply to an upload is learned; while the
 * backend is unreachable an upload gets a built reply: 200, the learned header set, and the JSON body
 * with {@code ResponseValue} 200, {@code Message} 0, {@code TS} now and today's sunrise and sunset,
 * chunked like the backend's. Other paths (the phone app's {@code /api/...}) are never faked.
 */
final class BloomskyInterceptor implements HttpInterceptor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BloomskyConfig config;
    /** The configured place's sun, or null without a location (the learned times are shifted instead). */
    private final SunTimesToday.AtLocation location;
    private final Path learnedFile;
    private final Clock clock;
    private volatile LearnedReply learned;
    final InvalidValues invalidValues = new InvalidValues();
    /** Where the learned reply is written: never on the caller's thread, which may be an event loop. */
    private final java.util.concurrent.Executor saver;
    private final java.util.concurrent.atomic.AtomicBoolean savePending = new java.util.concurrent.atomic.AtomicBoolean();
    private final Object saveLock = new Object();

    BloomskyInterceptor(BloomskyConfig config, Path dataDirectory, Clock clock, java.util.concurrent.Executor saver) {
        this.saver = saver;
        this.config = config;
        this.location = config.hasLocation() ? new SunTimesToday.AtLocation(config) : null;
        this.learnedFile = dataDirectory.resolve("learned-reply.json");
        this.clock = clock;
        this.learned = LearnedReply.load(learnedFile);
    }

    @Override
    public Duration replyDeadline() {
        return config.replyDeadline();
    }

    @Override
    public Observation observe(HttpRequest request) {
        try {
            return Uploads.observe(request, config.maxInfoLength(), invalidValues);
        } catch (RuntimeException e) {
            return Observation.NONE; // bad input from a device is never an error of ours
        }
    }

    @Override
    public void learn(HttpRequest request, HttpReply reply) {
        if (reply.status() / 100 != 2 || !Uploads.isStationPath(request.path())) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(reply.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || body.path("ResponseValue").asInt() != 200) {
            return; // an error page or a refusal would poison the template
        }
        synchronized (this) {
            LearnedReply next = LearnedReply.from(reply.headers(), body, learned);
            if (!next.equals(learned)) { // the sun times change once a day: write only then
                learned = next;
                if (savePending.compareAndSet(false, true)) {
                    saver.execute(this::save);
                }
            }
        }
    }

    /**
     * Writes the latest learned reply, one writer at a time (they would share the temporary file); under a
     * lock of its own, so that {@code learn} on an event loop never waits for the disk.
     */
    private void save() {
        synchronized (saveLock) {
            savePending.set(false);
            learned.save(learnedFile);
        }
    }

    @Override
    public Optional<HttpReply> impersonate(HttpRequest request) {
        if (!"POST".equals(request.method()) || !Uploads.isStationPath(request.path())) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        LearnedReply template = learned;
        SunTimesToday.Times sun = location != null ? location.today(now)
                : SunTimesToday.shifted(template.sunrise(), template.sunset(), now);
        String body = "{\"ResponseValue\":200,\"Message\":0,\"SunsetTime\":" + sun.sunset() + ",\"TS\":"
                + now.getEpochSecond() + ",\"SunriseTime\":" + sun.sunrise() + "}";
        return Optional.of(new HttpReply(200, template.headers(), body.getBytes(StandardCharsets.UTF_8), true));
    }
}
