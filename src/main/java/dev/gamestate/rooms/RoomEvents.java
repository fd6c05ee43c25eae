package dev.gamestate.rooms;

import dev.gamestate.event.EventType;

/** The request types of rooms, and the type of the server event that resyncs a subscription. */
public final class RoomEvents {

    /** {@code subscribe}: join a room's stream. */
    public static final EventType<SubscribePayload> SUBSCRIBE = EventType.of("subscribe", SubscribePayload.class);

    /** {@code unsubscribe}: leave a room's stream. */
    public static final EventType<UnsubscribePayload> UNSUBSCRIBE =
            EventType.of("unsubscribe", UnsubscribePayload.class);

    /** {@code core.game.state.broadcast}: patch a room's state and/or carry data to its subscribers. */
    public static final EventType<BroadcastPayload> BROADCAST =
            EventType.of("core.game.state.broadcast", BroadcastPayload.class);

    /**
     * The wire type of the pushed event that replaces a subscription's state after the node's watch
     * lost events: {@code {"type":"snapshot","room","seq","payload":{"state","reason":"resync"}}}.
     */
    public static final String SNAPSHOT = "snapshot";

    private RoomEvents() {
    }
}
