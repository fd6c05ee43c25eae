package dev.gamestate.messaging;

import dev.gamestate.event.AckResult;
import java.util.Optional;

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
     * @param replayed  with a requestId: whether this repeats the ack of a copy committed before
     */
    record InRoom(String messageId, String room, long seq, Optional<Boolean> replayed) implements SendResult {

        /** The ack of a room message without a request id. */
        public InRoom(String messageId, String room, long seq) {
            this(messageId, room, seq, Optional.empty());
        }
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
