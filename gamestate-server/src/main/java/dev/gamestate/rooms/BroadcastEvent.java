package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.PushPayload;
import java.util.Optional;

/**
 * The payload of a pushed {@code core.game.state.broadcast} event.
 *
 * @param patch the merge patch that was applied to the room's state
 * @param data  the data the sender carried
 */
public record BroadcastEvent(Optional<JsonNode> patch, Optional<JsonNode> data) implements PushPayload {
}
