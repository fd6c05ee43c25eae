package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdReads;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rooms.policies} on a whole node, over real sockets: who may subscribe, publish and patch
 * where, and that every refusal leaves etcd exactly as it was (read from etcd by the test).
 */
class RoomPoliciesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String ADMIN_KEY = "admin-key-for-room-policies-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BROADCAST = "core.game.state.broadcast";
    private static final String MESSAGE = "core.game.state.send_message";

    static TestNode node;
    static EtcdReads etcd;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ADMIN_API_KEYS", ADMIN_KEY);
        env.put("GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST", "true");
        env.put("GAMESTATE_ROOMS_POLICIES", """
                [{match: "match-*", subscribe: claim, patch: own},
                 {match: "arena-*", broadcast: none},
                 {match: "board-*", patch: none, presence: false}]""");
        node = TestNode.start(env);
        etcd = new EtcdReads(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aClaimRoomTakesOnlyPlayersWhoseTokenNamesItAndARefusalRecordsNothing() {
        try (WsClient alice = node.player("alice", List.of("match-1"));
             WsClient bob = node.player("bob");
             WsClient guest = node.guest()) {
            assertThat(alice.ack("subscribe", "{\"room\":\"match-1\"}").path("seq").asLong()).isZero();

            assertForbidden(bob.request("subscribe", "{\"room\":\"match-1\"}"),
                    "room match-1 is open only to players whose token names it in its rooms claim");
            assertForbidden(alice.request("subscribe", "{\"room\":\"match-2\"}"),
                    "room match-2 is open only to players whose token names it in its rooms claim");
            assertForbidden(guest.request("subscribe", "{\"room\":\"match-1\"}"),
                    "room match-1 is open only to players whose token names it in its rooms claim");

            // Subscriber counts are written behind the acks, in order: once a later subscription's
            // count is in etcd, anything the refused ones had queued would be too.
            bob.ack("subscribe", "{\"room\":\"lobby-claims\"}");
            awaitCount("private", "lobby-claims", "1");
            assertThat(etcd.under("subscriptions/private/match-1/").values()).singleElement()
                    .satisfies(record -> assertThat(sessions(record)).isEqualTo(1));
            assertThat(etcd.under("subscriptions/private/match-2/")).isEmpty();
            assertThat(etcd.under("subscriptions/guest/match-1/")).isEmpty();
            assertThat(etcd.get("rooms/private/match-2")).isEmpty();
        }
    }

    @Test
    void aRoomWithBroadcastNoneTakesNeitherBroadcastsNorRoomMessagesFromClientsButTheAdminApiPublishes() {
        try (WsClient carol = node.player("carol")) {
            carol.ack("subscribe", "{\"room\":\"arena-1\"}");
            awaitCount("private", "arena-1", "1");
            Map<String, String> before = roomKeys("arena-1");

            assertForbidden(carol.request(BROADCAST, "{\"room\":\"arena-1\",\"data\":{\"cheer\":1}}"),
                    "only the server publishes in room arena-1 (its policy is broadcast: none)");
            assertForbidden(carol.request(BROADCAST, "{\"room\":\"arena-1\",\"patch\":{\"score\":1}}"),
                    "only the server publishes in room arena-1 (its policy is broadcast: none)");
            assertForbidden(carol.request(MESSAGE, "{\"room\":\"arena-1\",\"text\":\"gg\"}"),
                    "only the server publishes in room arena-1 (its policy is broadcast: none)");
            assertThat(roomKeys("arena-1")).isEqualTo(before).containsOnlyKeys("subscriptions/private/arena-1/"
                    + node.node().config().server().nodeId());

            HttpProbe.Answer published = admin("POST", "broadcast",
                    "{\"namespace\":\"private\",\"room\":\"arena-1\",\"patch\":{\"round\":2}}");
            assertThat(published.status()).isEqualTo(200);
            JsonNode event = carol.awaitType(BROADCAST);
            assertThat(event.path("userId").asText()).isEqualTo("system");
            assertThat(event.path("payload").path("patch").path("round").asInt()).isEqualTo(2);
            HttpProbe.Answer message = admin("POST", "messages",
                    "{\"namespace\":\"private\",\"room\":\"arena-1\",\"text\":\"round two\"}");
            assertThat(message.status()).isEqualTo(200);
            assertThat(carol.awaitType(MESSAGE).path("payload").path("text").asText()).isEqualTo("round two");
        }
    }

    @Test
    void aRoomWithPatchNoneTakesDataButItsStateChangesOnlyThroughTheAdminApi() {
        try (WsClient dave = node.player("dave")) {
            dave.ack("subscribe", "{\"room\":\"board-1\"}");
            assertThat(dave.ack(BROADCAST, "{\"room\":\"board-1\",\"data\":{\"ping\":1}}").path("seq").asLong())
                    .isEqualTo(1);
            Map<String, String> before = roomKeys("board-1");

            assertForbidden(dave.request(BROADCAST, "{\"room\":\"board-1\",\"patch\":{\"leader\":\"dave\"},\"data\":1}"),
                    "the state of room board-1 changes only through the server (its policy is patch: none);"
                            + " send data without a patch");
            assertThat(roomKeys("board-1")).isEqualTo(before);

            assertThat(admin("POST", "broadcast",
                    "{\"namespace\":\"private\",\"room\":\"board-1\",\"patch\":{\"leader\":\"erin\"}}").status())
                    .isEqualTo(200);
            assertThat(dave.ack("subscribe", "{\"room\":\"board-1\"}").path("state").path("leader").asText())
                    .isEqualTo("erin");
        }
    }

    @Test
    void inAPatchOwnRoomAPlayerChangesOnlyItsOwnSubtree() {
        try (WsClient alice = node.player("alice", List.of("match-7")); WsClient bob = node.player("bob", List.of("match-7"))) {
            alice.ack("subscribe", "{\"room\":\"match-7\"}");
            bob.ack("subscribe", "{\"room\":\"match-7\"}");
            alice.ack(BROADCAST, "{\"room\":\"match-7\",\"patch\":{\"players\":{\"alice\":{\"hp\":10}}}}");
            bob.ack(BROADCAST, "{\"room\":\"match-7\",\"patch\":{\"players\":{\"bob\":{\"hp\":9}}}}");
            awaitCount("private", "match-7", "2");
            Map<String, String> before = roomKeys("match-7");

            for (String patch : List.of("{\"players\":{\"bob\":{\"hp\":0}}}", "{\"winner\":\"alice\"}",
                    "{\"players\":null}", "{\"players\":{\"alice\":{\"hp\":99},\"bob\":null}}")) {
                assertForbidden(alice.request(BROADCAST, "{\"room\":\"match-7\",\"patch\":" + patch + "}"),
                        "in room match-7 a player may patch only players.alice (its policy is patch: own)");
            }
            assertThat(roomKeys("match-7")).isEqualTo(before);

            JsonNode state = bob.ack("subscribe", "{\"room\":\"match-7\"}").path("state");
            assertThat(state.path("players").path("alice").path("hp").asInt()).isEqualTo(10);
            assertThat(state.path("players").path("bob").path("hp").asInt()).isEqualTo(9);
            assertThat(state.has("winner")).isFalse();
        }
    }

    @Test
    void aRoomNoPolicyFitsKeepsTodaysRules() {
        try (WsClient guest = node.guest(); WsClient frank = node.player("frank")) {
            guest.ack("subscribe", "{\"room\":\"lobby\"}");
            frank.ack("subscribe", "{\"room\":\"lobby\"}");
            assertThat(guest.ack(BROADCAST, "{\"room\":\"lobby\",\"patch\":{\"anything\":1}}").path("seq").asLong())
                    .isEqualTo(1);
            assertThat(frank.ack(BROADCAST, "{\"room\":\"lobby\",\"patch\":{\"at\":\"all\"}}").path("seq").asLong())
                    .isEqualTo(1);
            assertThat(frank.ack(MESSAGE, "{\"room\":\"lobby\",\"text\":\"hi\"}").path("seq").asLong()).isEqualTo(2);
        }
    }

    /** Everything etcd holds for a private room: its state, its log and its subscriber counts, with revisions. */
    private static Map<String, String> roomKeys(String room) {
        Map<String, String> keys = new java.util.TreeMap<>();
        etcd.everything().forEach((key, value) -> {
            if (key.equals("rooms/private/" + room) || key.startsWith("stream/rooms/private/" + room + "/")
                    || key.startsWith("subscriptions/private/" + room + "/")) {
                keys.put(key, value);
            }
        });
        return keys;
    }

    @Test
    void historyOfAClaimRoomNeedsTheSubscriptionAndARoomWithoutPresenceSaysSo() {
        try (WsClient alice = node.player("alice", List.of("match-7")); WsClient bob = node.player("bob")) {
            assertForbidden(alice.request("history", "{\"room\":\"match-7\"}"),
                    "subscribe to room match-7 before reading its history");
            alice.ack("subscribe", "{\"room\":\"match-7\"}");
            alice.ack("core.game.state.broadcast", "{\"room\":\"match-7\",\"data\":1}");
            assertThat(alice.ack("history", "{\"room\":\"match-7\"}").path("events")).hasSize(1);
            assertForbidden(bob.request("history", "{\"room\":\"match-7\"}"),
                    "subscribe to room match-7 before reading its history");
            // An open room's history needs no subscription.
            assertThat(bob.ack("history", "{\"room\":\"board-7\"}").path("seq").asLong()).isZero();

            bob.ack("subscribe", "{\"room\":\"board-7\"}");
            assertForbidden(bob.request("presence", "{\"room\":\"board-7\"}"), "room board-7 has no presence");
        }
    }

    private static void awaitCount(String ns, String room, String count) {
        await().atMost(WAIT).until(() -> etcd.under("subscriptions/" + ns + "/" + room + "/").values().stream()
                .mapToLong(RoomPoliciesIT::sessions).sum() == Long.parseLong(count));
    }

    /** The sessions a node's subscriber record counts: a bare number, or {"sessions":N,…} with presence. */
    private static long sessions(String record) {
        if (!record.startsWith("{")) {
            return Long.parseLong(record);
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).path("sessions").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable record " + record, e);
        }
    }

    private static HttpProbe.Answer admin(String method, String path, String body) {
        return node.admin(ADMIN_KEY, method, path, body);
    }

    private static void assertForbidden(JsonNode reply, String message) {
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("error");
        assertThat(reply.path("error").path("code").asText()).isEqualTo("forbidden");
        assertThat(reply.path("error").path("message").asText()).isEqualTo(message);
    }
}
