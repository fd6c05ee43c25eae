package dev.gamestate.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.Optional;

/**
 * The payload of {@code core.game.state.send_message}, as it is on the wire: exactly one of
 * {@code to} and {@code room}, which {@link #target()} turns into a {@link MessageTarget}. The text's
 * upper bound is configured ({@code messaging.maxTextLength}) and checked by the service.
 *
 * @param to   the user a direct message goes to
 * @param room the room whose stream a room message joins
 * @param text the message, at least one character
 * @param data a JSON object carried along; JSON null counts as absent
 * @param requestId for a room message: at most once per (user, requestId), as a broadcast's
 */
public record SendMessagePayload(Optional<String> to, Optional<String> room, String text,
                                 Optional<JsonNode> data, Optional<String> requestId) implements EventPayload {

    /** Treats missing and JSON-null fields as empty. */
    public SendMessagePayload {
        to = to == null ? Optional.empty() : to;
        room = room == null ? Optional.empty() : room;
        data = data == null ? Optional.empty() : data.filter(d -> !d.isNull() && !d.isMissingNode());
        requestId = requestId == null ? Optional.empty() : requestId;
    }

    /** A message without a request id. */
    public SendMessagePayload(Optional<String> to, Optional<String> room, String text, Optional<JsonNode> data) {
        this(to, room, text, data, Optional.empty());
    }

    /**
     * Where the message goes.
     *
     * @throws GameException {@code invalid_payload} unless exactly one of {@code to} and {@code room}
     *                       is given, and valid
     */
    public MessageTarget target() {
        if (to.isPresent() == room.isPresent()) {
            throw GameException.invalid("a message needs exactly one of to and room");
        }
        return to.isPresent() ? new MessageTarget.User(to.get()) : new MessageTarget.Room(room.orElseThrow());
    }

    @Override
    public void validate() {
        target();
        if (text == null || text.isEmpty()) {
            throw GameException.invalid("text must have at least one character");
        }
        if (data.isPresent() && !data.get().isObject()) {
            throw GameException.invalid("data must be a JSON object");
        }
        if (requestId.isPresent()) {
            if (to.isPresent()) {
                throw GameException.invalid("requestId is for room messages; a direct message takes none");
            }
            Names.requireRequestId("requestId", requestId.get());
        }
    }
}
