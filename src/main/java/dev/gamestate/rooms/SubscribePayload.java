package dev.gamestate.rooms;

import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.OptionalLong;

/**
 * The payload of {@code subscribe}.
 *
 * @param room  the room to join
 * @param since the last seq the client saw, to replay what came after it
 */
public record SubscribePayload(String room, OptionalLong since) implements EventPayload {

    /** Treats a missing {@code since} as empty. */
    public SubscribePayload {
        since = since == null ? OptionalLong.empty() : since;
    }

    @Override
    public void validate() {
        Names.requireId("room", room);
        if (since.isPresent() && since.getAsLong() < 0) {
            throw GameException.invalid("since must be a seq of 0 or more");
        }
    }
}
