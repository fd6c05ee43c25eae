package dev.gamestate.messaging;

import dev.gamestate.core.Names;

/** Where a message goes: to one user (a direct message) or into a room's stream. */
public sealed interface MessageTarget {

    /**
     * A direct message to every live session of {@code userId}, or to its inbox.
     *
     * @param userId the recipient, a valid user id ({@code to} on the wire)
     */
    record User(String userId) implements MessageTarget {

        /** Checks the user id ({@code invalid_payload} naming {@code to}). */
        public User {
            Names.requireUserId("to", userId);
        }
    }

    /**
     * A room message, joining the room's ordered stream.
     *
     * @param room the room, a valid room id
     */
    record Room(String room) implements MessageTarget {

        /** Checks the room id ({@code invalid_payload} naming {@code room}). */
        public Room {
            Names.requireId("room", room);
        }
    }
}
