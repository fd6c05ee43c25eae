package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pings, pongs and close frames on the embedded pipeline: pongs within the rate and the outbound
 * budget, close codes checked against RFC 6455 §7.4 (1002) and close reasons against UTF-8 (1007).
 */
class ControlFramesTest {

    private final EmbeddedServer server = new EmbeddedServer();

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new PingWebSocketFrame(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));

            WebSocketFrame pong = client.nextFrame();
            assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
            assertThat(pong.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
            pong.release();
        }
    }

    @Test
    void pingsOverTheRateGetNoPongAndAFloodOfThemIsClosedWith1008() {
        EmbeddedServer strict = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(2, 3));
        try (EmbeddedClient client = strict.guest()) {
            client.send(frames(10, () -> new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7}))));

            List<WebSocketFrame> frames = client.remainingFrames();
            assertThat(frames).hasSize(3);
            assertThat(frames.subList(0, 2)).allMatch(PongWebSocketFrame.class::isInstance);
            assertThat(((CloseWebSocketFrame) frames.get(2)).statusCode()).isEqualTo(1008);
            frames.forEach(WebSocketFrame::release);
        }
    }

    @Test
    void aFloodOfUnsolicitedPongsIsClosedWith1008Too() {
        EmbeddedServer strict = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(2, 3));
        try (EmbeddedClient client = strict.guest()) {
            client.send(frames(10, () -> new PongWebSocketFrame(Unpooled.EMPTY_BUFFER)));

            assertThat(client.closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void pongsCountAgainstTheOutboundBudgetSoAPingerThatNeverReadsIsClosedWith4008() {
        EmbeddedServer small = new EmbeddedServer(EmbeddedServer.Settings.defaults()
                .messagesPerSecond(1000, 1000).outboundBufferBytes(4096));
        try (EmbeddedClient client = small.guest()) {
            // 40 pongs of 100 bytes, each counted with its queueing overhead: over 4 KiB before the lane runs.
            client.send(frames(40, () -> new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[100]))));

            assertThat(client.closeCode()).isEqualTo(4008);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 65535})
    void aCloseFrameWithACodeNotAllowedOnTheWireIsAnsweredWith1002(int code) {
        try (EmbeddedClient client = server.guest()) {
            client.send(new CloseWebSocketFrame(true, 0, Unpooled.buffer(2).writeShort(code)));

            assertThat(client.closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void aCloseFrameWithAOneBytePayloadIsAnsweredWith1002() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {3})));

            assertThat(client.closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void aCloseFrameWithAReasonOfInvalidUtf8IsAnsweredWith1007() {
        try (EmbeddedClient client = server.guest()) {
            ByteBuf body = Unpooled.buffer().writeShort(1000).writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
            client.send(new CloseWebSocketFrame(true, 0, body));

            assertThat(client.closeCode()).isEqualTo(1007);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1003, 1007, 1014, 3000, 4999})
    void aCloseFrameWithAnAllowedCodeIsEchoed(int code) {
        try (EmbeddedClient client = server.guest()) {
            client.send(new CloseWebSocketFrame(true, 0, Unpooled.buffer(2).writeShort(code)));

            assertThat(client.closeCode()).isEqualTo(code);
        }
    }

    @Test
    void everyCodeIsAllowedOnTheWireExactlyWhenRfc6455SaysSo() {
        for (int code = 0; code < 70_000; code++) {
            boolean allowed = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014
                    || code >= 3000 && code <= 4999;
            assertThat(FrameGate.allowedOnTheWire(code)).as("code %d", code).isEqualTo(allowed);
        }
    }

    static WebSocketFrame[] frames(int count, java.util.function.Supplier<WebSocketFrame> frame) {
        WebSocketFrame[] frames = new WebSocketFrame[count];
        for (int i = 0; i < count; i++) {
            frames[i] = frame.get();
        }
        return frames;
    }
}
