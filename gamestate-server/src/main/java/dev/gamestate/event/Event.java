package dev.gamestate.event;

import dev.gamestate.core.Namespace;
import java.time.Instant;
import java.util.Objects;

/**
 * One request from a client, decoded and typed.
 *
 * @param id        the client's request id (echoed on the reply)
 * @param type      the request type
 * @param namespace where the sender lives
 * @param userId    who sent it
 * @param timestamp when the server received it
 * @param payload   the validated payload
 * @param <P>       the payload type
 */
public record Event<P extends EventPayload>(
        String id, EventType<P> type, Namespace namespace, String userId, Instant timestamp, P payload) {

    /** Rejects nulls. */
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
    }
}
