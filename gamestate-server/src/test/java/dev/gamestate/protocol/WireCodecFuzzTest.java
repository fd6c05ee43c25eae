package dev.gamestate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventType;
import dev.gamestate.messaging.MessageEvents;
import dev.gamestate.rooms.RoomEvents;
import dev.gamestate.store.StoreEvents;
import java.time.Instant;
import java.util.List;

/**
 * Whatever a client sends, decoding yields a typed, validated event or a {@link FrameException} with a
 * wire code — never another exception, which would surface as {@code internal}. In a normal test run
 * this replays the inputs under {@code src/test/resources/.../WireCodecFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes.
 */
class WireCodecFuzzTest {

    private static final WireCodec CODEC = WireCodec.create();
    private static final Principal PLAYER = Principal.player("fuzz");
    private static final List<EventType<? extends EventPayload>> TYPES = List.of(
            RoomEvents.SUBSCRIBE, RoomEvents.UNSUBSCRIBE, RoomEvents.BROADCAST, MessageEvents.SEND_MESSAGE,
            StoreEvents.BUY_GOOD, StoreEvents.CATALOG, StoreEvents.WALLET);

    @FuzzTest(maxDuration = "30s")
    void anyFrameDecodesToAnEventOrAFrameError(FuzzedDataProvider data) {
        EventType<? extends EventPayload> type = data.pickValue(TYPES);
        String text = data.consumeRemainingAsString();
        try {
            Envelope envelope = CODEC.envelope(text);
            Event<?> event = CODEC.event(envelope, type, PLAYER, Instant.EPOCH);
            assertThat(event.id()).isEqualTo(envelope.id());
        } catch (FrameException e) {
            assertThat(e.error().code()).isNotNull();
        }
    }
}
