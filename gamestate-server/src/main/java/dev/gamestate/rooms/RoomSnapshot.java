package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A room as the admin API shows it.
 *
 * @param room        the room
 * @param seq         the seq of its last event (0 when it has none)
 * @param epoch       its stream's epoch; absent for a room never written
 * @param state       its state
 * @param subscribers how many sessions are subscribed to it, on all nodes
 */
public record RoomSnapshot(String room, long seq, Optional<String> epoch, JsonNode state, long subscribers) {
}
