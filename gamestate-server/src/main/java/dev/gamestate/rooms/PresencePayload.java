package dev.gamestate.rooms;

import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;

/**
 * The payload of {@code presence}.
 *
 * @param room the room, which the session must be subscribed to
 */
public record PresencePayload(String room) implements EventPayload {

    @Override
    public void validate() {
        Names.requireId("room", room);
    }
}
