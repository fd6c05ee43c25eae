package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules every frame after the upgrade is held to: shape, type, payload, size, encoding and rate. */
class FrameRulesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(ETCD.endpointsCsv());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"this is not json", "{\"id\":\"r-1\",", "[1,2,3]", "\"just a string\"", "42",
            "{\"type\":\"ping\",\"payload\":{}}", "{\"id\":\"\",\"type\":\"ping\"}", "{\"id\":7,\"type\":\"ping\"}"})
    void aFrameWithoutAReadableEnvelopeGetsBadRequestWithANullIdAndTheConnectionStaysOpen(String frame) {
        try (WsClient client = node.player("frames")) {
            client.sendText(frame);

            JsonNode reply = client.awaitType("error");
            assertThat(reply.get("id").isNull()).as("id of %s", reply).isTrue();
            assertThat(reply.path("error").path("code").asText()).isEqualTo("bad_request");
            assertThat(reply.path("error").path("message").asText()).isNotEmpty();
            assertThat(client.ack("ping", "{}").path("serverTime").asText()).isNotEmpty();
        }
    }

    @Test
    void anIdOfSixtyFiveCharactersIsBadRequestWithANullId() {
        try (WsClient client = node.player("frames")) {
            client.sendText("{\"id\":\"" + "a".repeat(65) + "\",\"type\":\"ping\",\"payload\":{}}");

            JsonNode reply = client.awaitType("error");
            assertThat(reply.get("id").isNull()).isTrue();
            assertThat(reply.path("error").path("code").asText()).isEqualTo("bad_request");
            assertThat(client.ack("ping", "{}").has("serverTime")).isTrue();
        }
    }

    @Test
    void anIdOfSixtyFourCharactersIsAccepted() {
        String id = "b".repeat(64);
        try (WsClient client = node.player("frames")) {
            client.sendText("{\"id\":\"" + id + "\",\"type\":\"ping\",\"payload\":{}}");

            JsonNode reply = client.awaitReply(id);
            assertThat(reply.path("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void anEnvelopeWithAnIdButNoTypeIsBadRequestCarryingThatId() {
        try (WsClient client = node.player("frames")) {
            client.sendText("{\"id\":\"no-type\",\"payload\":{}}");

            JsonNode reply = client.awaitReply("no-type");
            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("bad_request");
            assertThat(client.ack("ping", "{}").has("serverTime")).isTrue();
        }
    }

    @Test
    void anUnknownTypeIsAnsweredUnknownTypeWithTheIdEchoed() {
        try (WsClient guest = node.guest()) {
            JsonNode reply = guest.request("core.game.state.teleport", "{}");

            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("id").asText()).isEqualTo("r-1");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("unknown_type");
            assertThat(guest.ack("ping", "{}").has("serverTime")).isTrue();
        }
    }

    @Test
    void aPingWithAnUnknownPayloadFieldIsAnInvalidPayload() {
        try (WsClient client = node.player("frames")) {
            JsonNode reply = client.request("ping", "{\"extra\":1}");

            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("id").asText()).isEqualTo("r-1");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("invalid_payload");
            assertThat(reply.path("error").path("message").asText()).contains("extra");
        }
    }

    @Test
    void everyRequestGetsExactlyOneReplyCarryingItsId() {
        try (WsClient client = node.player("frames")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(client.send("ping", "{}"));
                ids.add(client.send("no.such.type", "{}"));
                ids.add(client.send("ping", "{\"unexpected\":true}"));
            }
            String last = client.send("ping", "{}");
            ids.add(last);

            Map<String, Integer> repliesPerId = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                JsonNode reply = client.await(FrameRulesIT::isReply, "reply " + (i + 1) + " of " + ids.size());
                repliesPerId.merge(reply.path("id").asText(), 1, Integer::sum);
            }
            // Replies on one connection come back in request order, so the last one is the last request's.
            assertThat(client.poll(Duration.ofMillis(300))).as("a frame after the last reply").isNull();
            for (String id : ids) {
                assertThat(repliesPerId.getOrDefault(id, 0)).as("replies to %s", id).isEqualTo(1);
            }
            assertThat(repliesPerId).hasSize(ids.size());
        }
    }

    @Test
    void aBinaryFrameClosesTheSocketWith1003() {
        try (WsClient client = node.player("frames")) {
            client.sendBinary(new byte[] {1, 2, 3});

            assertThat(client.awaitClose()).isEqualTo(1003);
        }
    }

    @Test
    void aTextFrameOfInvalidUtf8ClosesTheSocketWith1007() {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), "/core/game/v1/real-time/public", Map.of())) {
            assertThat(raw.readFrame().text()).contains("\"welcome\"");

            raw.sendTextBytes(new byte[] {(byte) 0xC3, (byte) 0x28});

            assertThat(raw.awaitCloseCode()).isEqualTo(1007);
            assertThat(raw.serverHungUp()).isTrue();
        }
    }

    @Test
    void aFrameOverMaxFrameBytesClosesTheSocketWith1009() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MAX_FRAME_BYTES", "1024");
        try (TestNode small = TestNode.start(env); WsClient client = small.player("big")) {
            assertThat(client.ack("ping", "{}").has("serverTime")).isTrue();
            String padding = "x".repeat(2000);

            client.sendText("{\"id\":\"big\",\"type\":\"ping\",\"payload\":{\"pad\":\"" + padding + "\"}}");

            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void aFrameJustUnderMaxFrameBytesIsStillRead() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MAX_FRAME_BYTES", "1024");
        try (TestNode small = TestNode.start(env); WsClient client = small.player("fits")) {
            String prefix = "{\"id\":\"fits\",\"type\":\"ping\",\"payload\":{\"pad\":\"";
            String suffix = "\"}}";
            String padding = "x".repeat(1024 - prefix.length() - suffix.length());

            client.sendText(prefix + padding + suffix);

            JsonNode reply = client.awaitReply("fits");
            assertThat(reply.path("error").path("code").asText()).isEqualTo("invalid_payload");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void aBurstOverTheRateGetsRateLimitedRepliesWithRetryAfterAndOneReplyPerRequest() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "5");
        env.put("GAMESTATE_LIMITS_MAX_VIOLATIONS", "1000");
        try (TestNode limited = TestNode.start(env); WsClient client = limited.player("eager")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(client.send("ping", "{}"));
            }

            int acks = 0;
            int limitedReplies = 0;
            for (int i = 0; i < ids.size(); i++) {
                JsonNode reply = client.await(FrameRulesIT::isReply, "reply " + (i + 1) + " of 20");
                if (reply.path("type").asText().equals("ack")) {
                    acks++;
                } else {
                    assertThat(reply.path("error").path("code").asText()).isEqualTo("rate_limited");
                    assertThat(reply.path("error").path("retryAfterMs").asLong()).isPositive();
                    limitedReplies++;
                }
            }
            assertThat(acks).as("acked").isBetween(5, 15);
            assertThat(limitedReplies).as("rate limited").isEqualTo(20 - acks).isPositive();
            assertThat(client.poll(Duration.ofMillis(300))).as("a 21st reply").isNull();
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void repeatedRateLimitViolationsCloseTheSocketWith1008() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "5");
        env.put("GAMESTATE_LIMITS_MAX_VIOLATIONS", "3");
        try (TestNode limited = TestNode.start(env); WsClient client = limited.player("abuser")) {
            for (int i = 0; i < 40 && !client.isClosed(); i++) {
                try {
                    client.send("ping", "{}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }

            assertThat(client.awaitClose()).isEqualTo(1008);
            assertThat(client.pending()).anySatisfy(frame ->
                    assertThat(frame.path("error").path("code").asText()).isEqualTo("rate_limited"));
        }
    }

    private static boolean isReply(JsonNode frame) {
        String type = frame.path("type").asText();
        return type.equals("ack") || type.equals("error");
    }
}
