package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gamestate.event.Connection;
import dev.gamestate.event.Push;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.outboundBufferBytes} (4 KiB here) on the embedded pipeline: past half of it a
 * connection reports itself congested; a frame that would pass all of it closes the client with 4008,
 * behind the frames already queued, and nothing queued after the close is sent.
 */
class OutboundBudgetTest {

    private static final int BUDGET = 4096;
    private static final int FRAME = 1000; // with its 96 bytes of queueing overhead: three fit, not four

    private final EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().outboundBufferBytes(BUDGET));

    @Test
    void aConnectionIsCongestedPastHalfItsBudgetWhileItsFramesWaitInTheLane() {
        try (EmbeddedClient client = server.connect()) {
            Connection connection = open(client);
            connection.push(push('a'));
            assertThat(connection.congested()).isFalse();

            connection.push(push('b'));

            assertThat(connection.congested()).isTrue();
            assertThat(client.remainingFrames()).hasSize(2).allMatch(frame -> frame.release());
            assertThat(connection.congested()).as("written out and taken by the socket").isFalse();
        }
    }

    @Test
    void aFrameThatWouldPassTheBudgetClosesTheClientWith4008BehindTheFramesBeforeIt() {
        try (EmbeddedClient client = server.connect()) {
            Connection connection = open(client);

            for (char c : new char[] {'a', 'b', 'c', 'd', 'e'}) {
                connection.push(push(c));
            }

            List<WebSocketFrame> frames = client.remainingFrames();
            assertThat(frames).hasSize(4);
            assertThat(frames.subList(0, 3)).allMatch(TextWebSocketFrame.class::isInstance);
            assertThat(((TextWebSocketFrame) frames.get(2)).text()).startsWith("\"c");
            assertThat(((CloseWebSocketFrame) frames.get(3)).statusCode()).isEqualTo(4008);
            frames.forEach(WebSocketFrame::release);
            assertThat(client.isOpen()).isFalse();
            assertThat(connection.isOpen()).isFalse();
        }
    }

    private Connection open(EmbeddedClient client) {
        client.upgrade("/core/game/v1/real-time/public");
        String userId = client.nextJson().path("payload").path("userId").asText();
        return server.connectionOf(userId);
    }

    /** A JSON string of {@value #FRAME} bytes made of {@code c}. */
    private static Push push(char c) {
        return Push.ofUtf8(('"' + String.valueOf(c).repeat(FRAME - 2) + '"').getBytes(StandardCharsets.UTF_8));
    }
}
