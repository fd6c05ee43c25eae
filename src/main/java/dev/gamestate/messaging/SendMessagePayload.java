package dev.gamestate.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.Optional;

/**
 * The payload of {@code core.game.state.send_message}. The text's upper bound is configured
 * ({@code messaging.maxTextLength}) and checked by the service.
 *
 * @param to   the user a direct message goes to
 * @param room the room whose stream a room message joins
 * @param text the message, at least one character
 * @param data a JSON object carried along; JSON null counts as absent
 */
public record SendMessagePayload(Optional<String> to, Optional<String> room, String text,
                                 Optional<JsonNode> data) implements EventPayload {

    /** Treats missing and JSON-null fields as empty. */
    public SendMessagePayload {
        to = to == null ? Optional.empty() : to;
        room = room == null ? Optional.empty() : room;
        data = data == null ? Optional.empty() : data.filter(d -> !d.isNull() && !d.isMissingNode());
    }

    @Override
    public void validate() {
        if (to.isPresent() == room.isPresent()) {
            throw GameException.invalid("a message needs exactly one of to and room");
        }
        to.ifPresent(t -> Names.requireUserId("to", t));
        room.ifPresent(r -> Names.requireId("room", r));
        if (text == null || text.isEmpty()) {
            throw GameException.invalid("text must have at least one character");
        }
        if (data.isPresent() && !data.get().isObject()) {
            throw GameException.invalid("data must be a JSON object");
        }
    }
}
