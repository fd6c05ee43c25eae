package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdReads;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API's session control across two nodes sharing one etcd: a user's sessions listed from
 * either node with their node and rooms, and sessions kicked with 4003 on whichever node holds them.
 */
class SessionControlIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String ADMIN_KEY = "admin-key-for-session-control-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration KICK_WITHIN = Duration.ofSeconds(1);

    private static final Map<WsClient, JsonNode> SESSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    static TestNode a;
    static TestNode b;
    static EtcdReads etcd;

    @BeforeAll
    static void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ADMIN_API_KEYS", ADMIN_KEY);
        env.put("GAMESTATE_SERVER_NODE_ID", "node-a");
        Map<String, String> otherEnv = new HashMap<>(env);
        otherEnv.put("GAMESTATE_SERVER_NODE_ID", "node-b");
        a = TestNode.start(env);
        b = TestNode.start(otherEnv);
        etcd = new EtcdReads(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
    }

    @AfterAll
    static void stopNodes() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, etcd}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void eitherNodeListsAUsersSessionsOnEveryNodeWithTheirNodeNamespaceTimeAndRooms() {
        Instant before = Instant.now().minusSeconds(1);
        try (WsClient onA = player(a, "lena"); WsClient onB = player(b, "lena"); WsClient other = player(a, "mona")) {
            String sessionOnA = sessionId(onA);
            String sessionOnB = sessionId(onB);
            onA.ack("subscribe", "{\"room\":\"match-1\"}");
            onA.ack("subscribe", "{\"room\":\"lobby\"}");
            onB.ack("subscribe", "{\"room\":\"lobby\"}");

            await().atMost(WAIT).until(() -> roomsOf(list(b, "lena"), sessionOnA).equals(List.of("lobby", "match-1"))
                    && roomsOf(list(b, "lena"), sessionOnB).equals(List.of("lobby")));
            JsonNode sessions = list(a, "lena").path("sessions");
            assertThat(sessions).hasSize(2);
            for (JsonNode session : sessions) {
                boolean mine = session.path("sessionId").asText().equals(sessionOnA);
                assertThat(session.path("node").asText()).isEqualTo(mine ? "node-a" : "node-b");
                assertThat(session.path("userId").asText()).isEqualTo("lena");
                assertThat(session.path("namespace").asText()).isEqualTo("private");
                assertThat(Instant.parse(session.path("connectedAt").asText())).isBetween(before, Instant.now());
            }

            onA.ack("unsubscribe", "{\"room\":\"match-1\"}");
            await().atMost(WAIT).until(() -> roomsOf(list(a, "lena"), sessionOnA).equals(List.of("lobby")));
        }
        await().atMost(WAIT).until(() -> list(a, "lena").path("sessions").isEmpty());
    }

    @Test
    void aSessionHeldByTheOtherNodeIsKickedWith4003WithinASecondAndTheUsersOtherSessionStays() {
        try (WsClient onA = player(a, "nils"); WsClient onB = player(b, "nils")) {
            String sessionOnB = sessionId(onB);
            await().atMost(WAIT).until(() -> list(a, "nils").path("sessions").size() == 2);
            double kickedBefore = b.metric("gamestate_closes_total", "code=\"4003\"");

            HttpProbe.Answer answer = admin(a, "DELETE", "sessions/" + sessionOnB);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("kicked").asInt()).isEqualTo(1);
            await().atMost(KICK_WITHIN).until(onB::isClosed);
            assertThat(onB.awaitClose()).isEqualTo(4003);
            assertThat(onA.ack("ping", "{}").has("serverTime")).as("the other session of nils").isTrue();
            assertThat(b.metric("gamestate_closes_total", "code=\"4003\"")).isEqualTo(kickedBefore + 1);
            await().atMost(WAIT).until(() -> list(b, "nils").path("sessions").size() == 1);
        }
    }

    @Test
    void kickingAUserClosesAllItsSessionsOnBothNodesAndItMayComeBackAtOnce() {
        List<WsClient> clients = new ArrayList<>();
        try {
            clients.add(player(a, "olga"));
            clients.add(player(a, "olga"));
            clients.add(player(b, "olga"));
            WsClient bystander = player(b, "petra");
            clients.add(bystander);
            await().atMost(WAIT).until(() -> list(b, "olga").path("sessions").size() == 3);

            HttpProbe.Answer answer = admin(b, "DELETE", "users/olga/sessions");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("kicked").asInt()).isEqualTo(3);
            await().atMost(KICK_WITHIN).until(() -> clients.subList(0, 3).stream().allMatch(WsClient::isClosed));
            for (WsClient olga : clients.subList(0, 3)) {
                assertThat(olga.awaitClose()).isEqualTo(4003);
            }
            assertThat(bystander.isClosed()).isFalse();

            // A kick is no ban: the same token opens a new session at once.
            WsClient back = player(a, "olga");
            clients.add(back);
            assertThat(back.ack("ping", "{}").has("serverTime")).isTrue();
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void kickingAUserWithNoSessionsKicksNoneAndWritesNothing() {
        HttpProbe.Answer answer = admin(a, "DELETE", "users/nobody-here/sessions");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("kicked").asInt()).isZero();
        assertThat(etcd.under("stream/users/")).doesNotContainKeys("stream/users/private/nobody-here",
                "stream/users/guest/nobody-here");
    }

    @Test
    void anUnknownOrMalformedSessionIs404WithAJsonErrorBody() {
        for (String id : List.of("0123456789abcdef01234567", "not%20a%20session", "..")) {
            HttpProbe.Answer answer = admin(a, "DELETE", "sessions/" + id);
            assertThat(answer.status()).as(id).isEqualTo(404);
            assertThat(answer.contentType()).startsWith("application/json");
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("not_found");
        }
        assertThat(admin(a, "DELETE", "sessions/0123456789abcdef01234567").json().path("error").path("message")
                .asText()).isEqualTo("no live session 0123456789abcdef01234567");
    }

    @Test
    void listingNeedsAValidUserAndEveryCallNeedsTheAdminKey() {
        HttpProbe.Answer missing = admin(a, "GET", "sessions");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").path("code").asText()).isEqualTo("invalid_payload");
        assertThat(admin(a, "GET", "sessions?user=bad%20id").status()).isEqualTo(400);
        assertThat(admin(a, "GET", "sessions?user=ghost").json().path("sessions")).isEmpty();

        HttpProbe.Answer anonymous = HttpProbe.send("DELETE", a.http("/core/game/v1/admin/users/olga/sessions"),
                Map.of(), "");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("error").path("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void aGuestsSessionsAreListedAndKickedUnderTheGuestNamespace() {
        try (WsClient guest = connected(WsClient.connect(b.publicWs(), Map.of()))) {
            String guestId = SESSIONS.get(guest).path("userId").asText();
            await().atMost(WAIT).until(() -> list(a, guestId).path("sessions").size() == 1);
            assertThat(list(a, guestId).path("sessions").get(0).path("namespace").asText()).isEqualTo("guest");

            assertThat(admin(a, "DELETE", "users/" + guestId + "/sessions").json().path("kicked").asInt()).isEqualTo(1);
            await().atMost(KICK_WITHIN).until(guest::isClosed);
            assertThat(guest.awaitClose()).isEqualTo(4003);
        }
    }

    /** A player of {@code userId} on {@code node}, its welcome read (its session id in {@link #SESSIONS}). */
    private static WsClient player(TestNode node, String userId) {
        return connected(WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + node.token(userId))));
    }

    private static WsClient connected(WsClient client) {
        JsonNode welcome = client.awaitType("welcome").path("payload");
        SESSIONS.put(client, welcome);
        return client;
    }

    private static String sessionId(WsClient client) {
        return SESSIONS.get(client).path("sessionId").asText();
    }

    private static JsonNode list(TestNode node, String user) {
        HttpProbe.Answer answer = admin(node, "GET", "sessions?user=" + user);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static List<String> roomsOf(JsonNode list, String sessionId) {
        for (JsonNode session : list.path("sessions")) {
            if (session.path("sessionId").asText().equals(sessionId)) {
                List<String> rooms = new ArrayList<>();
                session.path("rooms").forEach(room -> rooms.add(room.asText()));
                return rooms;
            }
        }
        return List.of();
    }

    private static HttpProbe.Answer admin(TestNode node, String method, String path) {
        return node.admin(ADMIN_KEY, method, path, "");
    }
}
