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
 * @param requestId makes the broadcast idempotent: a repeat by the same user with the same id, within
 *                  the room's history window and on any node, answers the first ack and adds nothing
 */
public record BroadcastPayload(String room, Optional<JsonNode> patch, Optional<JsonNode> data,
                               Optional<String> requestId) implements EventPayload {

    /** Treats missing and JSON-null fields as empty. */
    public BroadcastPayload {
        patch = present(patch);
        data = present(data);
        requestId = requestId == null ? Optional.empty() : requestId;
    }

    /** A broadcast without a request id. */
    public BroadcastPayload(String room, Optional<JsonNode> patch, Optional<JsonNode> data) {
        this(room, patch, data, Optional.empty());
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
        requestId.ifPresent(id -> Names.requireRequestId("requestId", id));
    }

    // Only the canonical constructor's own components come in here: a record's Optional fields.
    private static Optional<JsonNode> present(Optional<JsonNode> value) {
        return value == null ? Optional.empty() : value.filter(v -> !v.isNull() && !v.isMissingNode());
    }
}
