package dev.gamestate.messaging;

import dev.gamestate.event.AckResult;

/** The ack of {@code core.game.state.send_message}: one shape for each {@link MessageTarget}. */
public sealed interface SendResult extends AckResult {

    /** The message's id (also the pushed event's id). */
    String messageId();

    /**
     * A room message's ack.
     *
     * @param messageId the message's id
     * @param room      the room whose stream it joined
     * @param seq       its place in that stream
     */
    record InRoom(String messageId, String room, long seq) implements SendResult {
    }

    /**
     * A direct message's ack.
     *
     * @param messageId the message's id
     * @param delivered whether the recipient had live sessions or the message went to its inbox
     */
    record Direct(String messageId, Delivery delivered) implements SendResult {
    }
}
