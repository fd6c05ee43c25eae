package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;

/**
 * Fragmented messages on the embedded pipeline: read whole up to {@code limits.maxFrameBytes}, pings
 * allowed between fragments, at most {@value FrameGate#MAX_FRAGMENTS} fragments (1009), and every
 * fragment after the first taking a token (1008 for a flood).
 */
class FragmentsTest {

    @Test
    void aRequestSentInAFewFragmentsIsAnsweredLikeAWholeOne() {
        EmbeddedServer server = new EmbeddedServer();
        try (EmbeddedClient client = server.guest()) {
            client.send(new TextWebSocketFrame(false, 0, "{\"id\":\"frag"),
                    new ContinuationWebSocketFrame(false, 0, "mented\",\"ty"),
                    new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})),
                    new ContinuationWebSocketFrame(true, 0, "pe\":\"ping\"}"));

            WebSocketFrame pong = client.nextFrame();
            assertThat(pong).as("a ping between fragments is answered").isInstanceOf(PongWebSocketFrame.class);
            pong.release();
            JsonNode reply = client.nextJson();
            assertThat(reply.path("type").asText()).isEqualTo("ack");
            assertThat(reply.path("id").asText()).isEqualTo("fragmented");
        }
    }

    @Test
    void aMessageOfMoreFragmentsThanTheBoundIsClosedWith1009() {
        EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(1000, 1000));
        try (EmbeddedClient client = server.guest()) {
            WebSocketFrame[] frames = new WebSocketFrame[FrameGate.MAX_FRAGMENTS + 1];
            frames[0] = new TextWebSocketFrame(false, 0, "{");
            for (int i = 1; i < frames.length; i++) {
                frames[i] = new ContinuationWebSocketFrame(false, 0, " ");
            }
            client.send(frames);

            assertThat(client.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aMessageOfExactlyTheBoundOfFragmentsIsRead() {
        EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(1000, 1000));
        try (EmbeddedClient client = server.guest()) {
            WebSocketFrame[] frames = new WebSocketFrame[FrameGate.MAX_FRAGMENTS];
            frames[0] = new TextWebSocketFrame(false, 0, "{\"id\":\"f\",\"type\":\"ping\"");
            for (int i = 1; i < frames.length - 1; i++) {
                frames[i] = new ContinuationWebSocketFrame(false, 0, " ");
            }
            frames[frames.length - 1] = new ContinuationWebSocketFrame(true, 0, "}");
            client.send(frames);

            assertThat(client.nextJson().path("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void aFragmentedMessageOverMaxFrameBytesIsClosedWith1009() {
        EmbeddedServer server = new EmbeddedServer();
        int half = server.settings().maxFrameBytes() / 2 + 1;
        try (EmbeddedClient client = server.guest()) {
            client.send(new TextWebSocketFrame(false, 0, "{" + " ".repeat(half)),
                    new ContinuationWebSocketFrame(true, 0, " ".repeat(half) + "}"));

            assertThat(client.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aFloodOfEmptyContinuationsRunsOutOfTokensAndIsClosedWith1008() {
        EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(2, 3));
        try (EmbeddedClient client = server.guest()) {
            WebSocketFrame[] frames = new WebSocketFrame[20];
            frames[0] = new TextWebSocketFrame(false, 0, "{");
            for (int i = 1; i < frames.length; i++) {
                frames[i] = new ContinuationWebSocketFrame(false, 0, Unpooled.EMPTY_BUFFER);
            }
            client.send(frames);

            assertThat(client.closeCode()).isEqualTo(1008);
        }
    }
}
