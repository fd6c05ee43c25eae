package dev.gamestate.rooms;

import dev.gamestate.event.AckResult;

/**
 * The ack of a broadcast, sent once the event is committed in etcd.
 *
 * @param room    the room
 * @param seq     the event's place in the room's stream
 * @param eventId the pushed event's id
 */
public record BroadcastResult(String room, long seq, String eventId) implements AckResult {
}
