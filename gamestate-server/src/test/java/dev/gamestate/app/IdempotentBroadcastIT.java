package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Broadcasts with a requestId: at most one event per (user, requestId), on any node. */
class IdempotentBroadcastIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String BROADCAST = "core.game.state.broadcast";

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "1000"); // bursts of copies on one socket
        nodeA = TestNode.start(env);
        nodeB = TestNode.start(env);
    }

    @AfterAll
    static void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    private static List<Long> seqs(WsClient client, String room) {
        JsonNode page = client.ack("history", "{\"room\":\"" + room + "\",\"limit\":100}");
        return StreamSupport.stream(page.path("events").spliterator(), false).map(e -> e.path("seq").asLong()).toList();
    }

    @Test
    void aRepeatOnAnotherNodeAnswersTheFirstAckAndAddsNoEvent() {
        try (WsClient alice = nodeA.player("alice"); WsClient again = nodeB.player("alice");
             WsClient bob = nodeB.player("bob")) {
            for (WsClient c : List.of(alice, again, bob)) {
                c.ack("subscribe", "{\"room\":\"i-1\"}");
            }
            JsonNode first = alice.ack(BROADCAST, "{\"room\":\"i-1\",\"patch\":{\"a\":1,\"b\":2},\"requestId\":\"move-1\"}");
            assertThat(first.path("replayed").asBoolean(true)).isFalse();
            // The same content with its members in another order is the same request.
            JsonNode repeat = again.ack(BROADCAST, "{\"room\":\"i-1\",\"requestId\":\"move-1\",\"patch\":{\"b\":2,\"a\":1}}");
            assertThat(repeat.path("replayed").asBoolean()).isTrue();
            assertThat(repeat.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
            assertThat(repeat.path("eventId").asText()).isEqualTo(first.path("eventId").asText());

            JsonNode reused = again.request(BROADCAST, "{\"room\":\"i-1\",\"patch\":{\"a\":9},\"requestId\":\"move-1\"}");
            assertThat(reused.path("error").path("code").asText()).isEqualTo("conflict");
            // Request ids are per user: bob's move-1 is another request.
            JsonNode bobs = bob.ack(BROADCAST, "{\"room\":\"i-1\",\"patch\":{\"a\":1,\"b\":2},\"requestId\":\"move-1\"}");
            assertThat(bobs.path("replayed").asBoolean(true)).isFalse();
            assertThat(bobs.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);
            JsonNode plain = bob.ack(BROADCAST, "{\"room\":\"i-1\",\"data\":1}");
            assertThat(plain.has("replayed")).as("no requestId, no replayed").isFalse();

            assertThat(seqs(bob, "i-1")).containsExactly(1L, 2L, 3L);
            JsonNode pushed = bob.awaitType(BROADCAST);
            assertThat(pushed.path("id").asText()).isEqualTo(first.path("eventId").asText());
            assertThat(bob.awaitType(BROADCAST).path("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void copiesSentAtOnceToBothNodesCommitOneEventEach() {
        try (WsClient onA = nodeA.player("carol"); WsClient onB = nodeB.player("carol")) {
            onA.ack("subscribe", "{\"room\":\"i-2\"}");
            onB.ack("subscribe", "{\"room\":\"i-2\"}");
            List<String[]> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String payload = "{\"room\":\"i-2\",\"data\":" + i + ",\"requestId\":\"r-" + i + "\"}";
                // Two on A (one node's own copies) and one on B (another node's), without waiting.
                sent.add(new String[] {onA.send(BROADCAST, payload), onA.send(BROADCAST, payload), onB.send(BROADCAST, payload)});
            }
            Set<Long> seqs = new HashSet<>();
            for (String[] ids : sent) {
                JsonNode a1 = result(onA.awaitReply(ids[0]));
                JsonNode a2 = result(onA.awaitReply(ids[1]));
                JsonNode b = result(onB.awaitReply(ids[2]));
                assertThat(List.of(a2.path("seq").asLong(), b.path("seq").asLong())).containsOnly(a1.path("seq").asLong());
                assertThat(List.of(a2.path("eventId").asText(), b.path("eventId").asText()))
                        .containsOnly(a1.path("eventId").asText());
                assertThat(List.of(a1, a2, b).stream().filter(r -> !r.path("replayed").asBoolean()).count())
                        .as("copies not replayed").isEqualTo(1);
                seqs.add(a1.path("seq").asLong());
            }
            assertThat(seqs).hasSize(30);
            assertThat(seqs(onB, "i-2")).hasSize(30);
        }
    }

    private static JsonNode result(JsonNode reply) {
        assertThat(reply.path("type").asText()).as("%s", reply).isEqualTo("ack");
        return reply.path("result");
    }

    @Test
    void aRoomMessageWithARequestIdIsSentOnce() {
        try (WsClient erin = nodeA.player("erin"); WsClient again = nodeB.player("erin")) {
            erin.ack("subscribe", "{\"room\":\"i-4\"}");
            again.ack("subscribe", "{\"room\":\"i-4\"}");
            String message = "{\"room\":\"i-4\",\"text\":\"gg\",\"data\":{\"emote\":1},\"requestId\":\"chat-1\"}";
            JsonNode first = erin.ack("core.game.state.send_message", message);
            JsonNode repeat = again.ack("core.game.state.send_message", message);

            assertThat(first.path("replayed").asBoolean(true)).isFalse();
            assertThat(repeat.path("replayed").asBoolean()).isTrue();
            assertThat(repeat.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
            assertThat(repeat.path("seq").asLong()).isEqualTo(first.path("seq").asLong());
            assertThat(again.request("core.game.state.send_message",
                    "{\"room\":\"i-4\",\"text\":\"other\",\"requestId\":\"chat-1\"}").path("error").path("code").asText())
                    .isEqualTo("conflict");
            assertThat(seqs(erin, "i-4")).containsExactly(1L);
            assertThat(erin.request("core.game.state.send_message", "{\"to\":\"bob\",\"text\":\"hi\",\"requestId\":\"dm-1\"}")
                    .path("error").path("code").asText()).isEqualTo("invalid_payload");
        }
    }

    @Test
    void aBadRequestIdIsInvalid() {
        try (WsClient alice = nodeA.player("dave")) {
            alice.ack("subscribe", "{\"room\":\"i-3\"}");
            assertThat(alice.request(BROADCAST, "{\"room\":\"i-3\",\"data\":1,\"requestId\":\"no spaces\"}")
                    .path("error").path("code").asText()).isEqualTo("invalid_payload");
        }
    }
}
