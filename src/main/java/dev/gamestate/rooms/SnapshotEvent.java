package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.PushPayload;

/**
 * The payload of a pushed {@code snapshot} event: the room's whole state at the event's seq, which
 * replaces whatever the client had.
 *
 * @param state  the room's state
 * @param reason why it was sent
 */
public record SnapshotEvent(JsonNode state, SnapshotReason reason) implements PushPayload {
}
