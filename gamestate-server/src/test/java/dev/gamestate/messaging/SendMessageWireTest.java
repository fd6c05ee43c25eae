package dev.gamestate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code send_message}'s target and acks: the sealed types behind them, and the JSON they keep. */
class SendMessageWireTest {

    private final WireCodec codec = WireCodec.create();

    @Test
    void aRoomMessageAckCarriesItsRoomAndSeq() {
        assertThat(ack(new SendResult.InRoom("m-1", "match-1", 2)))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"4\",\"result\":{\"messageId\":\"m-1\",\"room\":\"match-1\",\"seq\":2}}");
    }

    @Test
    void aDirectMessageAckSaysLiveOrQueued() {
        assertThat(ack(new SendResult.Direct("m-2", Delivery.LIVE)))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"4\",\"result\":{\"messageId\":\"m-2\",\"delivered\":\"live\"}}");
        assertThat(ack(new SendResult.Direct("m-3", Delivery.QUEUED))).contains("\"delivered\":\"queued\"");
    }

    @Test
    void exactlyOneOfToAndRoomIsTheTarget() {
        assertThat(payload(Optional.of("bob"), Optional.empty()).target()).isEqualTo(new MessageTarget.User("bob"));
        assertThat(payload(Optional.empty(), Optional.of("lobby")).target()).isEqualTo(new MessageTarget.Room("lobby"));
        assertInvalid(payload(Optional.of("bob"), Optional.of("lobby")), "exactly one of to and room");
        assertInvalid(payload(Optional.empty(), Optional.empty()), "exactly one of to and room");
        assertInvalid(payload(Optional.of("bob\u200b"), Optional.empty()), "to must be a user id");
        assertInvalid(payload(Optional.empty(), Optional.of("bad room!")), "room must match");
    }

    private String ack(SendResult result) {
        return new String(codec.ack("4", result), StandardCharsets.UTF_8);
    }

    private static SendMessagePayload payload(Optional<String> to, Optional<String> room) {
        return new SendMessagePayload(to, room, "hi", Optional.empty());
    }

    private static void assertInvalid(SendMessagePayload payload, String message) {
        assertThatThrownBy(payload::validate).isInstanceOfSatisfying(GameException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
