package org.understudy.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reloads the rules file when its size or modification time changes; a bad line never stops the rest. */
final class RulesWatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);

    private final Path file;
    private final LocalAnswers answers;
    private volatile List<String> errors = List.of();
    private volatile String stamp = "";

    RulesWatcher(Path file, LocalAnswers answers) {
        this.file = file;
        this.answers = answers;
    }

    @Override
    public void run() {
        String now;
        try {
            now = Files.size(file) + "/" + Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException e) {
            now = "absent";
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return;
        }
        if (now.equals(stamp)) {
            return;
        }
        stamp = now;
        if (now.equals("absent")) {
            answers.rules(RuleSet.EMPTY);
            errors = List.of();
            return;
        }
        try {
            RulesParser.Result r = RulesParser.parse(Files.readString(file, StandardCharsets.UTF_8));
            answers.rules(r.rules());
            errors = r.errors();
            r.errors().forEach(e -> LOG.error("{}: {}", file.getFileName(), e));
            LOG.info("loaded {} rule(s) from {}{}", r.rules().size(), file,
                    r.errors().isEmpty() ? "" : " (" + r.errors().size() + " bad line(s) skipped)");
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            stamp = "";
        }
    }

    int rules() {
        return answers.rules().size();
    }

    List<String> errors() {
        return errors;
    }

    Path file() {
        return file;
    }
}
