package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules every frame after the upgrade is held to, on the embedded pipeline: the envelope's shape,
 * the frame's type, size and encoding, each answered with its error code or close code.
 */
class FrameRulesTest {

    private final EmbeddedServer server = new EmbeddedServer();

    @ParameterizedTest
    @ValueSource(strings = {"this is not json", "{\"id\":\"r-1\",", "[1,2,3]", "\"just a string\"", "42",
            "{\"type\":\"ping\",\"payload\":{}}", "{\"id\":\"\",\"type\":\"ping\"}", "{\"id\":7,\"type\":\"ping\"}"})
    void aFrameWithoutAReadableEnvelopeGetsBadRequestWithANullIdAndTheConnectionStaysOpen(String frame) {
        try (EmbeddedClient client = server.guest()) {
            client.sendText(frame);

            JsonNode reply = client.nextJson();
            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.get("id").isNull()).as("id of %s", reply).isTrue();
            assertThat(reply.path("error").path("code").asText()).isEqualTo("bad_request");
            assertThat(reply.path("error").path("message").asText()).isNotEmpty();
            assertThat(client.ping("after").path("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void anIdOfSixtyFiveCharactersIsBadRequestWithANullIdAndOneOfSixtyFourIsAccepted() {
        try (EmbeddedClient client = server.guest()) {
            JsonNode tooLong = client.ping("a".repeat(65));
            assertThat(tooLong.get("id").isNull()).isTrue();
            assertThat(tooLong.path("error").path("code").asText()).isEqualTo("bad_request");

            JsonNode longest = client.ping("b".repeat(64));
            assertThat(longest.path("type").asText()).isEqualTo("ack");
            assertThat(longest.path("id").asText()).isEqualTo("b".repeat(64));
        }
    }

    @Test
    void anEnvelopeWithAnIdButNoTypeIsBadRequestCarryingThatId() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText("{\"id\":\"r-9\",\"payload\":{}}");

            JsonNode reply = client.nextJson();
            assertThat(reply.path("id").asText()).isEqualTo("r-9");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void anUnknownTopLevelFieldIsBadRequest() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText("{\"id\":\"r-8\",\"type\":\"ping\",\"extra\":1}");

            assertThat(client.nextJson().path("error").path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void anUnknownTypeIsAnsweredUnknownTypeWithTheIdEchoed() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText("{\"id\":\"r-2\",\"type\":\"nope\"}");

            JsonNode reply = client.nextJson();
            assertThat(reply.path("id").asText()).isEqualTo("r-2");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("unknown_type");
            assertThat(reply.path("error").path("message").asText()).isEqualTo("unknown type 'nope'");
        }
    }

    @Test
    void aPingWithAnUnknownPayloadFieldIsAnInvalidPayload() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText("{\"id\":\"r-3\",\"type\":\"ping\",\"payload\":{\"sinc\":1}}");

            JsonNode reply = client.nextJson();
            assertThat(reply.path("id").asText()).isEqualTo("r-3");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("invalid_payload");
        }
    }

    @Test
    void everyRequestGetsExactlyOneReplyCarryingItsIdInOrder() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new TextWebSocketFrame("{\"id\":\"1\",\"type\":\"ping\"}"),
                    new TextWebSocketFrame("{\"id\":\"2\",\"type\":\"nope\"}"),
                    new TextWebSocketFrame("{\"id\":\"3\",\"type\":\"ping\",\"payload\":{}}"));

            assertThat(client.nextJson().path("id").asText()).isEqualTo("1");
            assertThat(client.nextJson().path("id").asText()).isEqualTo("2");
            assertThat(client.nextJson().path("id").asText()).isEqualTo("3");
            assertThat(client.remainingFrames()).isEmpty();
        }
    }

    @Test
    void aBinaryFrameClosesTheSocketWith1003() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));

            assertThat(client.closeCode()).isEqualTo(1003);
            assertThat(server.sessions()).isZero();
        }
    }

    @Test
    void aTextFrameOfInvalidUtf8ClosesTheSocketWith1007() {
        try (EmbeddedClient client = server.guest()) {
            client.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC3, (byte) 0x28})));

            assertThat(client.closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void aFrameOverMaxFrameBytesClosesTheSocketWith1009() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText(paddedPing("big", server.settings().maxFrameBytes() + 1));

            assertThat(client.closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aFrameOfExactlyMaxFrameBytesIsStillRead() {
        try (EmbeddedClient client = server.guest()) {
            client.sendText(paddedPing("edge", server.settings().maxFrameBytes()));

            JsonNode reply = client.nextJson();
            assertThat(reply.path("type").asText()).isEqualTo("ack");
            assertThat(reply.path("id").asText()).isEqualTo("edge");
        }
    }

    /** A {@code ping} request of exactly {@code bytes} bytes (JSON whitespace fills it up). */
    static String paddedPing(String id, int bytes) {
        String ping = "{\"id\":\"" + id + "\",\"type\":\"ping\"}";
        return ping.substring(0, ping.length() - 1) + " ".repeat(bytes - ping.length()) + "}";
    }
}
