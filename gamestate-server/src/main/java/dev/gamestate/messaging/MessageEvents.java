package dev.gamestate.messaging;

import dev.gamestate.event.EventType;
import dev.gamestate.event.PushType;

/** The request type of messaging, and the event it pushes. */
public final class MessageEvents {

    /** {@code core.game.state.send_message}: a chat line to a room's stream or to one user. */
    public static final EventType<SendMessagePayload> SEND_MESSAGE =
            EventType.of("core.game.state.send_message", SendMessagePayload.class);

    /** The pushed message, to the room's subscribers or to the recipient's sessions. */
    public static final PushType<MessageEvent> MESSAGE = PushType.of(SEND_MESSAGE.name(), MessageEvent.class);

    private MessageEvents() {
    }
}
