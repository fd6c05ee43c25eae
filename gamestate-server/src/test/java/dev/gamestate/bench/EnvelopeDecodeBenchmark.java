package dev.gamestate.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.Principal;
import dev.gamestate.event.Event;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.BroadcastPayload;
import dev.gamestate.rooms.RoomEvents;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one {@code core.game.state.broadcast} request frame into a validated typed event
 * ({@code WireCodec.envelope} then {@code event}), against parsing the same text into a tree alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeDecodeBenchmark {

    private WireCodec codec;
    private String text;
    private Principal principal;
    private Instant receivedAt;

    /** The request frame and its sender. */
    @Setup
    public void setUp() {
        codec = WireCodec.create();
        text = Samples.broadcastRequest(codec.mapper());
        principal = Principal.player("player-3");
        receivedAt = Instant.parse("2026-11-25T12:00:00.123Z");
    }

    /** Baseline: Jackson's tree parse of the frame, nothing else. */
    @Benchmark
    public JsonNode readTree() throws JsonProcessingException {
        return codec.mapper().readTree(text);
    }

    /** What the dispatcher does with a frame: envelope shape checks, payload binding, validation. */
    @Benchmark
    public Event<BroadcastPayload> envelopeAndEvent() {
        return codec.event(codec.envelope(text), RoomEvents.BROADCAST, principal, receivedAt);
    }
}
