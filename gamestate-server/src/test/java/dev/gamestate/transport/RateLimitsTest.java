package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.messagesPerSecond} and {@code limits.maxViolations} on the embedded pipeline (2 a
 * second, 3 refusals): a refused request is answered {@code rate_limited} without being parsed, and
 * enough refusals close the socket with 1008 behind those answers. A burst is written at once, far
 * quicker than a token refills (half a second).
 */
class RateLimitsTest {

    private final EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(2, 3));

    @Test
    void aBurstOverTheRateGetsRateLimitedRepliesWithRetryAfterAndOneReplyPerRequest() {
        try (EmbeddedClient client = server.guest()) {
            client.send(pings(1, 4));

            assertThat(client.nextJson().path("type").asText()).isEqualTo("ack");
            assertThat(client.nextJson().path("type").asText()).isEqualTo("ack");
            for (String id : List.of("3", "4")) {
                JsonNode refused = client.nextJson();
                assertThat(refused.path("id").asText()).isEqualTo(id);
                assertThat(refused.path("error").path("code").asText()).isEqualTo("rate_limited");
                assertThat(refused.path("error").path("retryAfterMs").asLong()).isBetween(1L, 500L);
            }
            assertThat(client.remainingFrames()).isEmpty();
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aRefusedRequestWithItsIdFirstGetsThatIdBackAndOneWithItsIdLaterGetsNull() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new TextWebSocketFrame("{\"id\":\"1\",\"type\":\"ping\"}"),
                    new TextWebSocketFrame("{\"id\":\"2\",\"type\":\"ping\"}"),
                    new TextWebSocketFrame(" { \"id\" : \"first\", \"type\":\"ping\"}"),
                    new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"later\"}"));

            client.nextJson();
            client.nextJson();
            assertThat(client.nextJson().path("id").asText()).isEqualTo("first");
            JsonNode later = client.nextJson();
            assertThat(later.get("id").isNull()).isTrue();
            assertThat(later.path("error").path("code").asText()).isEqualTo("rate_limited");
        }
    }

    @Test
    void repeatedRefusalsCloseTheSocketWith1008BehindTheRefusalsBeforeIt() {
        try (EmbeddedClient client = server.guest()) {
            client.send(pings(1, 10));

            List<WebSocketFrame> frames = client.remainingFrames();
            assertThat(frames).hasSize(5);
            assertThat(frames.get(0)).isInstanceOf(TextWebSocketFrame.class);
            assertThat(((TextWebSocketFrame) frames.get(3)).text()).contains("rate_limited");
            assertThat(frames.get(4)).isInstanceOf(CloseWebSocketFrame.class);
            assertThat(((CloseWebSocketFrame) frames.get(4)).statusCode()).isEqualTo(1008);
            frames.forEach(WebSocketFrame::release);
            assertThat(client.isOpen()).isFalse();
        }
    }

    static WebSocketFrame[] pings(int first, int last) {
        WebSocketFrame[] frames = new WebSocketFrame[last - first + 1];
        for (int i = first; i <= last; i++) {
            frames[i - first] = new TextWebSocketFrame("{\"id\":\"" + i + "\",\"type\":\"ping\"}");
        }
        return frames;
    }
}
