package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.AckResult;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ack of {@code subscribe}: the room's state and the seq it is current to. {@code recovered} and
 * {@code missed} answer a {@code since} and are absent without one.
 *
 * @param room      the room
 * @param seq       the seq {@code state} is current to; later events follow the ack
 * @param epoch     the room stream's epoch, to send back with {@code since} on a later subscribe;
 *                  absent for a room never written
 * @param state     the room's state
 * @param recovered true when the events after {@code since} follow the ack (replayed); false when
 *                  the history no longer reaches back that far and {@code state} is the way to catch up
 * @param missed    how many events came after {@code since}: replayed when {@code recovered}
 */
public record SubscribeResult(String room, long seq, Optional<String> epoch, JsonNode state, Optional<Boolean> recovered,
                              OptionalLong missed) implements AckResult {
}
