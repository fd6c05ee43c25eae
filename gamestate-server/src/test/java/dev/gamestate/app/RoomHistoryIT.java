package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code history} pages, stream epochs and the admin deletion of a room, end to end: real sockets,
 * two nodes, one etcd.
 */
class RoomHistoryIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "admin-key-for-room-history-0123456789";
    private static final String BROADCAST = "core.game.state.broadcast";
    private static final int HISTORY = 24;

    static TestNode nodeA;
    static TestNode nodeB;

    @BeforeAll
    static void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ADMIN_API_KEYS", ADMIN_KEY);
        env.put("GAMESTATE_ROOMS_HISTORY_SIZE", Integer.toString(HISTORY));
        nodeA = TestNode.start(env);
        nodeB = TestNode.start(env);
    }

    @AfterAll
    static void stopNodes() {
        nodeA.close();
        nodeB.close();
    }

    private static List<JsonNode> publish(WsClient client, String room, int count) {
        List<JsonNode> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(client.ack(BROADCAST, "{\"room\":\"" + room + "\",\"patch\":{\"n\":" + i + "},\"data\":" + i + "}"));
        }
        return acks;
    }

    private static List<Long> seqs(JsonNode page) {
        return StreamSupport.stream(page.path("events").spliterator(), false).map(e -> e.path("seq").asLong()).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void historyPagesTheLogOnAnyNodeWithTheEventsAsSubscribersSawThem() {
        try (WsClient alice = nodeA.player("alice"); WsClient bob = nodeB.player("bob")) {
            alice.ack("subscribe", "{\"room\":\"h-1\"}");
            List<JsonNode> acks = publish(alice, "h-1", 20);
            JsonNode pushed = null;
            for (int i = 0; i < 20; i++) {
                pushed = alice.awaitType(BROADCAST);
            }

            // bob is on the other node and not subscribed: every room's subscribe is open.
            JsonNode latest = bob.ack("history", "{\"room\":\"h-1\",\"limit\":5}");
            assertThat(latest.path("seq").asLong()).isEqualTo(20);
            assertThat(seqs(latest)).isEqualTo(range(16, 20));
            assertThat(latest.path("recovered").asBoolean()).isTrue();
            assertThat(latest.path("epoch").asText()).hasSize(16);
            assertThat(latest.path("events").get(4)).isEqualTo(pushed);
            assertThat(latest.path("events").get(4).path("id").asText()).isEqualTo(acks.get(19).path("eventId").asText());

            JsonNode after = bob.ack("history", "{\"room\":\"h-1\",\"since\":5,\"limit\":3}");
            assertThat(seqs(after)).isEqualTo(range(6, 8));
            assertThat(after.path("recovered").asBoolean()).isTrue();
            assertThat(seqs(bob.ack("history", "{\"room\":\"h-1\",\"since\":20}"))).isEmpty();
            assertThat(seqs(bob.ack("history", "{\"room\":\"h-1\"}"))).as("the default limit, 50").isEqualTo(range(1, 20));
        }
    }

    @Test
    void aSinceTheHistoryNoLongerReachesIsNotRecoveredAndGetsTheLatestPage() {
        try (WsClient alice = nodeA.player("alice")) {
            alice.ack("subscribe", "{\"room\":\"h-2\"}");
            publish(alice, "h-2", HISTORY + 16);

            JsonNode page = alice.ack("history", "{\"room\":\"h-2\",\"since\":2,\"limit\":4}");
            assertThat(page.path("recovered").asBoolean()).isFalse();
            assertThat(seqs(page)).isEqualTo(range(HISTORY + 13, HISTORY + 16));
            JsonNode ahead = alice.ack("history", "{\"room\":\"h-2\",\"since\":99,\"limit\":2}");
            assertThat(ahead.path("recovered").asBoolean()).isFalse();
            assertThat(seqs(ahead)).isEqualTo(range(HISTORY + 15, HISTORY + 16));
        }
    }

    @Test
    void historyRefusesLimitsOutsideOneToAHundred() {
        try (WsClient alice = nodeA.player("alice")) {
            for (String payload : List.of("{\"room\":\"h-3\",\"limit\":0}", "{\"room\":\"h-3\",\"limit\":101}",
                    "{\"room\":\"h-3\",\"since\":-1}", "{\"room\":\"h-3\",\"epoch\":\"\"}", "{\"limit\":5}")) {
                JsonNode reply = alice.request("history", payload);
                assertThat(reply.path("error").path("code").asText()).as(payload).isEqualTo("invalid_payload");
            }
        }
    }

    @Test
    void aResumeWithTheRightEpochReplaysAndWithAnotherGetsTheSnapshot() {
        try (WsClient alice = nodeA.player("alice")) {
            assertThat(alice.ack("subscribe", "{\"room\":\"h-4\"}").has("epoch")).as("a room never written").isFalse();
            publish(alice, "h-4", 3);
            String epoch = alice.ack("subscribe", "{\"room\":\"h-4\"}").path("epoch").asText();
            assertThat(epoch).hasSize(16);
        }
        try (WsClient again = nodeB.player("alice")) {
            String epoch = again.ack("history", "{\"room\":\"h-4\",\"limit\":1}").path("epoch").asText();
            JsonNode resumed = again.ack("subscribe", "{\"room\":\"h-4\",\"since\":1,\"epoch\":\"" + epoch + "\"}");
            assertThat(resumed.path("recovered").asBoolean()).isTrue();
            assertThat(again.awaitType(BROADCAST).path("seq").asLong()).isEqualTo(2);

            JsonNode other = again.ack("subscribe", "{\"room\":\"h-4\",\"since\":1,\"epoch\":\"an-older-epoch00\"}");
            assertThat(other.path("recovered").asBoolean(true)).isFalse();
            assertThat(other.path("seq").asLong()).isEqualTo(3);
            assertThat(other.path("state").path("n").asInt()).isEqualTo(2);
            assertThat(again.ack("history", "{\"room\":\"h-4\",\"since\":1,\"epoch\":\"an-older-epoch00\"}")
                    .path("recovered").asBoolean(true)).isFalse();
        }
    }

    @Test
    void deletingARoomStartsANewEpochAndResetsItsSubscribersOnEveryNode() throws Exception {
        try (WsClient alice = nodeA.player("alice"); WsClient bob = nodeB.player("bob")) {
            alice.ack("subscribe", "{\"room\":\"h-5\"}");
            bob.ack("subscribe", "{\"room\":\"h-5\"}");
            publish(alice, "h-5", 5);
            for (WsClient client : List.of(alice, bob)) {
                for (int i = 0; i < 5; i++) {
                    client.awaitType(BROADCAST); // the old stream's events, taken so they cannot match below
                }
            }
            String before = bob.ack("history", "{\"room\":\"h-5\",\"limit\":1}").path("epoch").asText();

            JsonNode deleted = admin("DELETE", "rooms/private/h-5");
            assertThat(deleted.path("seq").asLong()).isZero();
            assertThat(deleted.path("state")).isEqualTo(JSON.readTree("{}"));
            String after = deleted.path("epoch").asText();
            assertThat(after).hasSize(16).isNotEqualTo(before);

            for (WsClient client : List.of(alice, bob)) {
                JsonNode reset = client.await(f -> f.path("type").asText().equals("snapshot"), "the reset snapshot");
                assertThat(reset.path("seq").asLong()).isZero();
                assertThat(reset.path("payload").path("reason").asText()).isEqualTo("reset");
                assertThat(reset.path("payload").path("epoch").asText()).isEqualTo(after);
                assertThat(reset.path("payload").path("state")).isEqualTo(JSON.readTree("{}"));
            }
            // The new stream goes on from seq 1 to both, with the new epoch.
            JsonNode next = bob.ack(BROADCAST, "{\"room\":\"h-5\",\"patch\":{\"fresh\":true}}");
            assertThat(next.path("seq").asLong()).isEqualTo(1);
            for (WsClient client : List.of(alice, bob)) {
                JsonNode event = client.await(f -> f.path("type").asText().equals(BROADCAST) && f.path("seq").asLong() == 1,
                        "seq 1 of the new stream");
                assertThat(event.path("payload").path("patch").path("fresh").asBoolean()).isTrue();
            }
            JsonNode page = alice.ack("history", "{\"room\":\"h-5\"}");
            assertThat(seqs(page)).isEqualTo(List.of(1L));
            assertThat(page.path("epoch").asText()).isEqualTo(after);
            JsonNode resumedOld = alice.ack("subscribe", "{\"room\":\"h-5\",\"since\":5,\"epoch\":\"" + before + "\"}");
            assertThat(resumedOld.path("recovered").asBoolean(true)).isFalse();
            assertThat(resumedOld.path("state").path("fresh").asBoolean()).isTrue();
        }
    }

    @Test
    void deletingARoomNobodyWroteStillStartsAnEpoch() throws Exception {
        JsonNode deleted = admin("DELETE", "rooms/guest/h-6");
        assertThat(deleted.path("seq").asLong()).isZero();
        assertThat(deleted.path("epoch").asText()).hasSize(16);
        assertThat(admin("DELETE", "rooms/nowhere/h-6").path("error").path("code").asText()).isEqualTo("invalid_payload");
    }

    private static JsonNode admin(String method, String path) {
        return nodeB.admin(ADMIN_KEY, method, path, "").json();
    }
}
