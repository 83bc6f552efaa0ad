package org.understudy.proxy;

import org.understudy.api.model.Flow;
import org.understudy.api.spi.HttpReply;

/**
 * The answer for a device and how it was obtained.
 *
 * @param reply what is sent (for a streamed reply: its status and headers)
 * @param outcome how it was obtained
 * @param built made by the profile or the proxy rather than received from the backend
 * @param stream the body still coming from the backend, or {@code null}
 */
record Answer(HttpReply reply, Flow.Outcome outcome, boolean built, ReplyStream stream) {
    Answer(HttpReply reply, Flow.Outcome outcome, boolean built) {
        this(reply, outcome, built, null);
    }
}
