package dev.gamestate.transport;

import dev.gamestate.event.AckResult;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.EventType;
import dev.gamestate.event.Reply;
import dev.gamestate.protocol.WireCodec;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** The {@code ping} request: a round trip that reports the server's clock. */
public final class Ping {

    /** {@code ping} takes an empty payload. */
    public record PingPayload() implements EventPayload {
        @Override
        public void validate() {
        }
    }

    /**
     * The ack.
     *
     * @param serverTime the server's clock, ISO-8601 UTC
     */
    public record PingResult(String serverTime) implements AckResult {
    }

    /** The request type. */
    public static final EventType<PingPayload> TYPE = EventType.of("ping", PingPayload.class);

    private Ping() {
    }

    /** Binds {@code ping}, answering with {@code clock}'s time. */
    public static void register(EventRegistry.Builder builder, Clock clock) {
        builder.register(TYPE, (event, caller) -> CompletableFuture.completedFuture(
                Reply.of(new PingResult(WireCodec.TIMESTAMP.format(clock.instant())))));
    }
}
