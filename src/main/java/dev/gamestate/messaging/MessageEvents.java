package dev.gamestate.messaging;

import dev.gamestate.event.EventType;

/** The request type of messaging. */
public final class MessageEvents {

    /** {@code core.game.state.send_message}: a chat line to a room's stream or to one user. */
    public static final EventType<SendMessagePayload> SEND_MESSAGE =
            EventType.of("core.game.state.send_message", SendMessagePayload.class);

    private MessageEvents() {
    }
}
