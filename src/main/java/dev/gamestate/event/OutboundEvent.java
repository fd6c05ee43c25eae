package dev.gamestate.event;

import dev.gamestate.core.Namespace;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An event pushed to clients: what happened, who caused it, and where in a room's stream it sits.
 *
 * @param type      the event type's wire name
 * @param id        the event id, unique in the cluster
 * @param namespace the namespace it happened in
 * @param userId    who caused it, or {@code system}
 * @param timestamp when the server accepted it
 * @param room      the room, for room events
 * @param seq       the room's sequence number, for room events
 * @param payload   the event body; serialised as JSON
 */
public record OutboundEvent(
        String type,
        String id,
        Namespace namespace,
        String userId,
        Instant timestamp,
        Optional<String> room,
        OptionalLong seq,
        Object payload) {

    /** Rejects nulls. */
    public OutboundEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(seq, "seq");
        Objects.requireNonNull(payload, "payload");
    }
}
