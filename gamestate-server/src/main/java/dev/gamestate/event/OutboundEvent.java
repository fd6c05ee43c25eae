package dev.gamestate.event;

import dev.gamestate.core.Namespace;
import java.time.Instant;
import java.util.Objects;

/**
 * An event pushed to clients: what happened, who caused it, and where it goes. Either it joins a
 * room's ordered stream ({@link InRoom}: {@code room} and {@code seq} on the wire), or it tells a
 * room's subscribers about the room outside that stream ({@link AboutRoom}: {@code room}, no
 * {@code seq}), or it goes to a user's sessions ({@link ToUser}: neither).
 */
public sealed interface OutboundEvent {

    /** The event's kind; its name is the wire {@code type}. */
    PushType<?> type();

    /** The event id, unique in the cluster. */
    String id();

    /** The namespace it happened in. */
    Namespace namespace();

    /** Who caused it, or {@code system}. */
    String userId();

    /** When the server accepted it. */
    Instant timestamp();

    /** The event body, serialised as the {@code payload}. */
    PushPayload payload();

    /**
     * An event of a room's stream.
     *
     * @param type      the event's kind
     * @param id        the event id
     * @param namespace the namespace of the room
     * @param userId    who caused it, or {@code system}
     * @param timestamp when the server accepted it
     * @param room      the room
     * @param seq       its place in the room's stream
     * @param payload   the body, of the type's payload class
     * @param <P>       the payload type
     */
    record InRoom<P extends PushPayload>(PushType<P> type, String id, Namespace namespace, String userId,
                                         Instant timestamp, String room, long seq, P payload)
            implements OutboundEvent {

        /** Rejects nulls. */
        public InRoom {
            requireFields(type, id, namespace, userId, timestamp, payload);
            Objects.requireNonNull(room, "room");
        }
    }

    /**
     * An event about a room that is not part of its ordered stream (who is in it): it has no seq and
     * is not in the room's history.
     *
     * @param type      the event's kind
     * @param id        the event id
     * @param namespace the namespace of the room
     * @param userId    who caused it, or {@code system}
     * @param timestamp when the server made it
     * @param room      the room
     * @param payload   the body, of the type's payload class
     * @param <P>       the payload type
     */
    record AboutRoom<P extends PushPayload>(PushType<P> type, String id, Namespace namespace, String userId,
                                            Instant timestamp, String room, P payload) implements OutboundEvent {

        /** Rejects nulls. */
        public AboutRoom {
            requireFields(type, id, namespace, userId, timestamp, payload);
            Objects.requireNonNull(room, "room");
        }
    }

    /**
     * An event for one user's sessions (a direct message, a purchase made on another session).
     *
     * @param type      the event's kind
     * @param id        the event id
     * @param namespace the namespace of the user
     * @param userId    who caused it, or {@code system}
     * @param timestamp when the server accepted it
     * @param payload   the body, of the type's payload class
     * @param <P>       the payload type
     */
    record ToUser<P extends PushPayload>(PushType<P> type, String id, Namespace namespace, String userId,
                                         Instant timestamp, P payload) implements OutboundEvent {

        /** Rejects nulls. */
        public ToUser {
            requireFields(type, id, namespace, userId, timestamp, payload);
        }
    }

    private static void requireFields(PushType<?> type, String id, Namespace namespace, String userId,
                                      Instant timestamp, PushPayload payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(payload, "payload");
    }
}
