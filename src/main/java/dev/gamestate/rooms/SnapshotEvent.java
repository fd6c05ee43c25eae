package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.PushPayload;

/**
 * The payload of a pushed {@code snapshot} event: the room's whole state at the event's seq, which
 * replaces whatever the client had.
 *
 * @param state  the room's state
 * @param reason why it was sent: {@code resync} (the watch lost events) or {@code conflated} (the client read too slowly)
 */
public record SnapshotEvent(JsonNode state, String reason) implements PushPayload {
}
