package dev.gamestate.rooms;

import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;

/**
 * The payload of {@code unsubscribe}.
 *
 * @param room the room to leave
 */
public record UnsubscribePayload(String room) implements EventPayload {

    @Override
    public void validate() {
        Names.requireId("room", room);
    }
}
