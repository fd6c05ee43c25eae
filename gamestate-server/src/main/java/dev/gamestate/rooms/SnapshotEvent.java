package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import dev.gamestate.event.PushPayload;

/**
 * The payload of a pushed {@code snapshot} event: the room's whole state at the event's seq, which
 * replaces whatever the client had.
 *
 * @param state  the room's state
 * @param reason why it was sent
 * @param epoch  the room stream's epoch at that seq; absent for a room never written
 */
public record SnapshotEvent(JsonNode state, SnapshotReason reason, Optional<String> epoch) implements PushPayload {
}
