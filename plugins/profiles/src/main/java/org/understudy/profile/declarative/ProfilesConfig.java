package org.understudy.profile.declarative;

import java.time.Duration;
import org.understudy.api.Description;

/** Configuration of the declarative profiles plugin (pid {@code understudy.profiles}). */
@Description("Device families that upload over plain HTTP, each described by a JSON file (docs/profile.schema.json) "
        + "in a directory of conf/; files added, changed or deleted there take effect without a restart.")
public record ProfilesConfig(
        @Description("Directory of the family files (*.json), relative to conf/ unless absolute.") String directory,
        @Description("How soon a file added, changed or deleted takes effect: the directory is watched, and read this long after a change (where the file system reports no changes, as on a network mount, it is read every minute).") Duration reloadInterval,
        @Description("Largest family file read, in bytes; a larger one is reported and not used.") int maxFileBytes,
        @Description("Longest replyDeadline a family file may give its devices; a file asking more is reported and not used.") Duration maxReplyDeadline) {

    public static final ProfilesConfig DEFAULTS = new ProfilesConfig("profiles", Duration.ofSeconds(1), 256 * 1024,
            Duration.ofSeconds(10));

    public ProfilesConfig {
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("directory must name a directory, e.g. profiles");
        }
        directory = directory.trim();
        if (reloadInterval == null || reloadInterval.compareTo(Duration.ofMillis(100)) < 0
                || reloadInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("reloadInterval must be within 100ms..1h");
        }
        if (maxFileBytes < 1024 || maxFileBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFileBytes must be within 1024..16777216, got " + maxFileBytes);
        }
        if (maxReplyDeadline == null || maxReplyDeadline.compareTo(Duration.ofMillis(100)) < 0
                || maxReplyDeadline.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("maxReplyDeadline must be within 100ms..1m");
        }
    }
}
