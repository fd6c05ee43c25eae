package dev.gamestate.rooms;

import dev.gamestate.event.EventType;
import dev.gamestate.event.PushType;

/** The request types of rooms, and the events rooms push. */
public final class RoomEvents {

    /** {@code subscribe}: join a room's stream. */
    public static final EventType<SubscribePayload> SUBSCRIBE = EventType.of("subscribe", SubscribePayload.class);

    /** {@code unsubscribe}: leave a room's stream. */
    public static final EventType<UnsubscribePayload> UNSUBSCRIBE =
            EventType.of("unsubscribe", UnsubscribePayload.class);

    /** {@code history}: a page of a room's recent events from its log. */
    public static final EventType<HistoryPayload> HISTORY = EventType.of("history", HistoryPayload.class);

    /** {@code core.game.state.broadcast}: patch a room's state and/or carry data to its subscribers. */
    public static final EventType<BroadcastPayload> BROADCAST =
            EventType.of("core.game.state.broadcast", BroadcastPayload.class);

    /** The pushed broadcast, to every subscriber of the room: its patch and data. */
    public static final PushType<BroadcastEvent> BROADCAST_EVENT =
            PushType.of(BROADCAST.name(), BroadcastEvent.class);

    /**
     * The pushed event that replaces a subscription's state after the node's watch lost events or the
     * subscriber fell behind: {@code {"type":"snapshot","room","seq","payload":{"state","reason"}}}.
     */
    public static final PushType<SnapshotEvent> SNAPSHOT = PushType.of("snapshot", SnapshotEvent.class);

    /** {@code presence}: who is in a room the session is subscribed to. */
    public static final EventType<PresencePayload> PRESENCE = EventType.of("presence", PresencePayload.class);

    /**
     * The pushed event that tells a room's subscribers who joined and who left it:
     * {@code {"type":"core.game.state.presence","room","payload":{"room","joined","left","count","complete"}}},
     * with a room but no seq (it is not part of the room's stream).
     */
    public static final PushType<PresenceEvent> PRESENCE_EVENT =
            PushType.of("core.game.state.presence", PresenceEvent.class);

    private RoomEvents() {
    }
}
