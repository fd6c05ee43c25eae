package dev.gamestate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.messaging.MessageEvent;
import dev.gamestate.messaging.MessageEvents;
import dev.gamestate.rooms.BroadcastEvent;
import dev.gamestate.rooms.PresenceEvent;
import dev.gamestate.rooms.RoomEvents;
import dev.gamestate.rooms.SnapshotEvent;
import dev.gamestate.rooms.SnapshotReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pushed events as {@code docs/protocol.md} shows them: a room event with room and seq, a user's without. */
class PushedEventWireTest {

    private final WireCodec codec = WireCodec.create();

    @Test
    void aRoomEventCarriesItsRoomAndSeqBeforeThePayload() throws Exception {
        JsonNode patch = codec.mapper().readTree("{\"score\":{\"alice\":1},\"phase\":\"play\"}");
        JsonNode data = codec.mapper().readTree("{\"fx\":\"goal\"}");

        String frame = encode(new OutboundEvent.InRoom<>(RoomEvents.BROADCAST_EVENT, "1795615554628-c1c33e1b-000000",
                Namespace.PRIVATE, "alice", Instant.parse("2026-11-25T14:05:54.629Z"), "match-1", 1,
                new BroadcastEvent(Optional.of(patch), Optional.of(data))));

        assertThat(frame).isEqualTo("{\"type\":\"core.game.state.broadcast\",\"id\":\"1795615554628-c1c33e1b-000000\","
                + "\"namespace\":\"private\",\"userId\":\"alice\",\"timestamp\":\"2026-11-25T14:05:54.629Z\","
                + "\"room\":\"match-1\",\"seq\":1,"
                + "\"payload\":{\"patch\":{\"score\":{\"alice\":1},\"phase\":\"play\"},\"data\":{\"fx\":\"goal\"}}}");
    }

    @Test
    void aDirectMessageHasNeitherRoomNorSeq() {
        String frame = encode(new OutboundEvent.ToUser<>(MessageEvents.MESSAGE, "m-1", Namespace.PRIVATE, "alice",
                Instant.parse("2026-11-25T14:05:54.693Z"),
                new MessageEvent("m-1", "alice", Optional.of("bob"), Optional.empty(), "rematch?", Optional.empty())));

        assertThat(frame).isEqualTo("{\"type\":\"core.game.state.send_message\",\"id\":\"m-1\",\"namespace\":\"private\","
                + "\"userId\":\"alice\",\"timestamp\":\"2026-11-25T14:05:54.693Z\","
                + "\"payload\":{\"messageId\":\"m-1\",\"from\":\"alice\",\"to\":\"bob\",\"text\":\"rematch?\"}}");
    }

    @Test
    void aSnapshotIsARoomEventOfTypeSnapshot() {
        String frame = encode(new OutboundEvent.InRoom<>(RoomEvents.SNAPSHOT, "s-1", Namespace.GUEST, "system",
                Instant.parse("2026-11-25T14:05:54.000Z"), "lobby", 57,
                new SnapshotEvent(codec.mapper().createObjectNode(), SnapshotReason.RESYNC, java.util.Optional.empty())));

        assertThat(frame).startsWith("{\"type\":\"snapshot\",").contains("\"room\":\"lobby\",\"seq\":57,")
                .endsWith("\"payload\":{\"state\":{},\"reason\":\"resync\"}}");
    }

    @Test
    void aPresenceEventNamesItsRoomButHasNoSeqAndLeavesEmptyListsOut() {
        String frame = encode(new OutboundEvent.AboutRoom<>(RoomEvents.PRESENCE_EVENT, "p-1", Namespace.PRIVATE,
                "system", Instant.parse("2026-11-25T14:05:55.000Z"), "match-1",
                new PresenceEvent("match-1", List.of("carol"), List.of(), 3, true)));

        assertThat(frame).isEqualTo("{\"type\":\"core.game.state.presence\",\"id\":\"p-1\",\"namespace\":\"private\","
                + "\"userId\":\"system\",\"timestamp\":\"2026-11-25T14:05:55.000Z\",\"room\":\"match-1\","
                + "\"payload\":{\"room\":\"match-1\",\"joined\":[\"carol\"],\"count\":3,\"complete\":true}}");
    }

    private String encode(OutboundEvent event) {
        return new String(codec.encode(event), StandardCharsets.UTF_8);
    }
}
