package dev.gamestate.messaging;

import dev.gamestate.event.AckResult;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The ack of {@code core.game.state.send_message}: {@code room} and {@code seq} for a room message,
 * {@code delivered} for a direct one.
 *
 * @param messageId the message's id (also the pushed event's id)
 * @param room      the room whose stream it joined
 * @param seq       its place in that stream
 * @param delivered {@code live} when the recipient had live sessions, {@code queued} when it went to
 *                  the inbox
 */
public record SendResult(String messageId, Optional<String> room, OptionalLong seq, Optional<String> delivered)
        implements AckResult {

    /** A room message's ack. */
    static SendResult inRoom(String messageId, String room, long seq) {
        return new SendResult(messageId, Optional.of(room), OptionalLong.of(seq), Optional.empty());
    }

    /** A direct message's ack. */
    static SendResult direct(String messageId, String delivered) {
        return new SendResult(messageId, Optional.empty(), OptionalLong.empty(), Optional.of(delivered));
    }
}
