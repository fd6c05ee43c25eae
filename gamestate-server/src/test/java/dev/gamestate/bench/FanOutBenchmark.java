package dev.gamestate.bench;

import dev.gamestate.core.Namespace;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.BroadcastEvent;
import dev.gamestate.rooms.RoomEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One room event fanned out to every local subscriber, through Netty's WebSocket frame encoder: encoded
 * once per recipient (the habit the server avoids) against encoded once and wrapped per recipient, as
 * {@code WsConnection.send} does. One operation is the whole fan-out of one event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FanOutBenchmark {

    /** Local subscribers of the room. */
    @Param({"1", "100", "1000"})
    public int recipients;

    private WireCodec codec;
    private OutboundEvent event;
    private EmbeddedChannel[] channels;

    /** The event a move produces, and one server-side WebSocket channel per recipient. */
    @Setup
    public void setUp() {
        codec = WireCodec.create();
        BroadcastEvent body = new BroadcastEvent(Optional.of(Samples.movePatch(codec.mapper())),
                Optional.of(Samples.moveData(codec.mapper())));
        event = new OutboundEvent.InRoom<>(RoomEvents.BROADCAST_EVENT, "01JDQ3W6Z8K2M4N6P8R0T2V4X6",
                Namespace.PRIVATE, "player-3", Instant.parse("2026-11-25T12:00:00.123Z"), Samples.ROOM, 42, body);
        channels = new EmbeddedChannel[recipients];
        for (int i = 0; i < recipients; i++) {
            // Server frames are not masked.
            channels[i] = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        }
    }

    /** Closes the channels. */
    @TearDown
    public void tearDown() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    /** Baseline: every recipient gets its own encoding of the same event. */
    @Benchmark
    public int encodePerRecipient() {
        int bytes = 0;
        for (EmbeddedChannel channel : channels) {
            bytes += write(channel, codec.encode(event));
        }
        return bytes;
    }

    /** The server's way: one encoding, its bytes wrapped (not copied) into every recipient's frame. */
    @Benchmark
    public int encodeOnce() {
        byte[] frame = codec.encode(event);
        int bytes = 0;
        for (EmbeddedChannel channel : channels) {
            bytes += write(channel, frame);
        }
        return bytes;
    }

    /** Writes one frame as {@code WsConnection.send} does, then drains and releases what reached the socket. */
    private static int write(EmbeddedChannel channel, byte[] utf8) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), channel.voidPromise());
        int bytes = 0;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            bytes += out instanceof ByteBuf buf ? buf.readableBytes() : 0;
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }
}
