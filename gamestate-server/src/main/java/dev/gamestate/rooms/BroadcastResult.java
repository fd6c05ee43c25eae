package dev.gamestate.rooms;

import dev.gamestate.event.AckResult;
import java.util.Optional;

/**
 * The ack of a broadcast, sent once the event is committed in etcd.
 *
 * @param room    the room
 * @param seq     the event's place in the room's stream
 * @param eventId the pushed event's id
 * @param replayed with a requestId: true when a copy of this request was committed before and this
 *                 ack repeats its seq and event id (nothing was added); absent without a requestId
 */
public record BroadcastResult(String room, long seq, String eventId, Optional<Boolean> replayed) implements AckResult {

    /** The ack of a broadcast without a request id. */
    public BroadcastResult(String room, long seq, String eventId) {
        this(room, seq, eventId, Optional.empty());
    }
}
