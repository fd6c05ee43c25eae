package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.Optional;

/**
 * The payload of {@code core.game.state.broadcast}.
 *
 * @param room  the room whose stream the event joins
 * @param patch an RFC 7396 merge patch for the room's state; a JSON object
 * @param data  anything to carry to subscribers without changing state; JSON null counts as absent
 */
public record BroadcastPayload(String room, Optional<JsonNode> patch, Optional<JsonNode> data)
        implements EventPayload {

    /** Treats missing and JSON-null fields as empty. */
    public BroadcastPayload {
        patch = present(patch);
        data = present(data);
    }

    @Override
    public void validate() {
        Names.requireId("room", room);
        if (patch.isEmpty() && data.isEmpty()) {
            throw GameException.invalid("a broadcast needs a patch, data or both");
        }
        if (patch.isPresent() && !patch.get().isObject()) {
            throw GameException.invalid("patch must be a JSON object (an RFC 7396 merge patch)");
        }
    }

    // Only the canonical constructor's own components come in here: a record's Optional fields.
    private static Optional<JsonNode> present(Optional<JsonNode> value) {
        return value == null ? Optional.empty() : value.filter(v -> !v.isNull() && !v.isMissingNode());
    }
}
