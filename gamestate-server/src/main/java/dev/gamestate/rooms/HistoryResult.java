package dev.gamestate.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.event.AckResult;
import java.util.List;
import java.util.Optional;

/**
 * The answer to {@code history}.
 *
 * @param room      the room
 * @param seq       the room's seq when it was read
 * @param epoch     the room stream's epoch; absent for a room never written
 * @param events    the events, in seq order, each as it was pushed to subscribers
 * @param recovered true when the page starts right after {@code since} (or, without it, holds the
 *                  latest {@code limit} events, or all the room has); false when the history no longer
 *                  reaches back that far, or {@code since} is of another epoch: the page then holds the
 *                  latest events the history has
 */
public record HistoryResult(String room, long seq, Optional<String> epoch, List<JsonNode> events, boolean recovered)
        implements AckResult {

    /** Copies {@code events}. */
    public HistoryResult {
        events = List.copyOf(events);
    }
}
