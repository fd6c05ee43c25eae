package dev.gamestate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.Closer;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one etcd, players on real WebSockets: who is in a room is the same seen from either
 * node, and its subscribers hear of a user's first session joining and its last leaving, on any node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PresenceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PRESENCE = "core.game.state.presence";
    private static final String ROOM = "{\"room\":\"match-1\"}";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration INTERVAL = Duration.ofMillis(200);

    private final Closer open = new Closer();
    private TestNode a;
    private TestNode b;

    @BeforeEach
    void startNodes() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_PRESENCE_INTERVAL", INTERVAL.toMillis() + "ms");
        a = node(env, "presence-a");
        b = node(env, "presence-b");
    }

    @AfterEach
    void stopAll() throws Exception {
        open.close();
    }

    private TestNode node(Map<String, String> env, String id) {
        return keep(TestNode.start(env, id));
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        return open.keep(closeable);
    }

    @Test
    void aPresenceRequestOnEitherNodeListsTheUsersOfBothWithTheirSessions() {
        WsClient alice = keep(a.player("alice"));
        WsClient bob = keep(b.player("bob"));
        WsClient aliceAgain = keep(b.player("alice"));
        for (WsClient client : List.of(alice, bob, aliceAgain)) {
            client.ack("subscribe", ROOM);
        }

        String expected = "{\"room\":\"match-1\",\"members\":[{\"userId\":\"alice\",\"sessions\":2},"
                + "{\"userId\":\"bob\",\"sessions\":1}],\"count\":2,\"complete\":true}";
        for (WsClient asker : List.of(alice, bob)) {
            await().atMost(WAIT).pollInterval(INTERVAL).untilAsserted(() ->
                    assertThat(asker.ack("presence", ROOM).toString()).isEqualTo(expected));
        }

        aliceAgain.ack("unsubscribe", ROOM);
        await().atMost(WAIT).pollInterval(INTERVAL).untilAsserted(() -> assertThat(bob.ack("presence", ROOM)
                .path("members").toString()).isEqualTo("[{\"userId\":\"alice\",\"sessions\":1},"
                + "{\"userId\":\"bob\",\"sessions\":1}]"));
    }

    @Test
    void subscribersOnEveryNodeHearOfAUsersFirstSessionJoiningAndItsLastLeavingNotOfEachSession() {
        WsClient watcherOnA = keep(a.player("watcher-a"));
        WsClient watcherOnB = keep(b.player("watcher-b"));
        watcherOnA.ack("subscribe", ROOM);
        watcherOnB.ack("subscribe", ROOM);

        WsClient carolOnB = keep(b.player("carol"));
        carolOnB.ack("subscribe", ROOM);
        awaitPresence(watcherOnA, e -> users(e, "joined").contains("carol"), "carol joined, seen on A");
        awaitPresence(watcherOnB, e -> users(e, "joined").contains("carol"), "carol joined, seen on B");

        // Her second session, on the other node, and her first one leaving: she is still in the room.
        WsClient carolOnA = keep(a.player("carol"));
        carolOnA.ack("subscribe", ROOM);
        carolOnB.ack("unsubscribe", ROOM);
        // Dave after her on B: once the watchers heard of him, B's record without carol reached them.
        WsClient daveOnB = keep(b.player("dave"));
        daveOnB.ack("subscribe", ROOM);
        awaitPresence(watcherOnA, e -> users(e, "joined").contains("dave"), "dave joined, seen on A");
        awaitPresence(watcherOnB, e -> users(e, "joined").contains("dave"), "dave joined, seen on B");

        carolOnA.close();
        awaitPresence(watcherOnA, e -> users(e, "left").contains("carol"), "carol left, seen on A");
        awaitPresence(watcherOnB, e -> users(e, "left").contains("carol"), "carol left, seen on B");
        for (WsClient watcher : List.of(watcherOnA, watcherOnB)) {
            List<String> aboutCarol = presenceEvents(watcher).stream()
                    .filter(e -> users(e, "joined").contains("carol") || users(e, "left").contains("carol"))
                    .map(e -> users(e, "joined").contains("carol") ? "joined" : "left").toList();
            assertThat(aboutCarol).as("two sessions, two nodes: one join, one leave").containsExactly("joined", "left");
            assertThat(presenceEvents(watcher)).allSatisfy(e -> {
                assertThat(e.path("room").asText()).isEqualTo("match-1");
                assertThat(e.path("complete").asBoolean()).isTrue();
            });
        }
        assertThat(watcherOnB.ack("presence", ROOM).path("members").toString()).isEqualTo(
                "[{\"userId\":\"dave\",\"sessions\":1},{\"userId\":\"watcher-a\",\"sessions\":1},"
                        + "{\"userId\":\"watcher-b\",\"sessions\":1}]");
        assertThat(a.metric("gamestate_presence_events_total", "node=")).isPositive();
        assertThat(a.metric("gamestate_watch_events_total", "kind=\"presence\"")).isPositive();
        assertThat(b.metric("gamestate_presence_records_written_total", "node=")).isPositive();
    }

    @Test
    void aBurstOfJoinsReachesAWatcherAsFewEventsAndAReplyPlusTheEventsAfterItAddUp() {
        WsClient watcher = keep(a.player("watcher"));
        watcher.ack("subscribe", ROOM);
        JsonNode reply = watcher.ack("presence", ROOM);
        // Frames that came before the reply were pulled in while waiting for it; the later ones follow.
        int beforeReply = presenceEvents(watcher).size();
        List<String> known = new ArrayList<>();
        reply.path("members").forEach(m -> known.add(m.path("userId").asText()));

        List<WsClient> crowd = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            crowd.add(keep((i % 2 == 0 ? a : b).player("p" + i)));
        }
        List<String> ids = new ArrayList<>();
        crowd.forEach(p -> ids.add(p.send("subscribe", ROOM)));
        for (int i = 0; i < crowd.size(); i++) {
            assertThat(crowd.get(i).awaitReply(ids.get(i)).path("type").asText()).isEqualTo("ack");
        }

        // The watcher's list, as a client keeps it: the reply, then each event applied.
        await().atMost(WAIT).untilAsserted(() -> {
            List<String> list = new ArrayList<>(known);
            List<JsonNode> events = presenceEvents(watcher);
            for (JsonNode event : events.subList(beforeReply, events.size())) {
                users(event, "joined").forEach(u -> {
                    if (!list.contains(u)) {
                        list.add(u);
                    }
                });
                list.removeAll(users(event, "left"));
            }
            assertThat(list).hasSize(21).contains("watcher", "p0", "p19");
        });
        int events = presenceEvents(watcher).size() - beforeReply;
        System.out.printf("PresenceIT: 20 joins over two nodes reached a watcher as %d presence events%n", events);
        assertThat(events).as("gathered per interval, not one per join").isLessThan(10);
    }

    @Test
    void aSessionNotSubscribedToTheRoomIsForbiddenItsPresence() {
        WsClient alice = keep(a.player("alice"));

        JsonNode refused = alice.request("presence", ROOM);
        assertThat(refused.path("error").path("code").asText()).isEqualTo("forbidden");
        assertThat(refused.path("error").path("message").asText())
                .isEqualTo("subscribe to room match-1 before asking who is in it");
        JsonNode invalid = alice.request("presence", "{\"room\":\"bad room!\"}");
        assertThat(invalid.path("error").path("code").asText()).isEqualTo("invalid_payload");
        JsonNode unknown = alice.request("presence", "{\"room\":\"match-1\",\"who\":1}");
        assertThat(unknown.path("error").path("code").asText()).isEqualTo("invalid_payload");

        alice.ack("subscribe", ROOM);
        alice.ack("unsubscribe", ROOM);
        assertThat(alice.request("presence", ROOM).path("error").path("code").asText()).isEqualTo("forbidden");
    }

    private static void awaitPresence(WsClient client, Predicate<JsonNode> match, String what) {
        await(what).atMost(WAIT).until(() -> presenceEvents(client).stream().anyMatch(match));
    }

    /** The payloads of the presence events the client has received, in order. */
    private static List<JsonNode> presenceEvents(WsClient client) {
        return client.pending().stream().filter(f -> f.path("type").asText().equals(PRESENCE))
                .map(f -> f.path("payload")).toList();
    }

    private static List<String> users(JsonNode event, String field) {
        List<String> users = new ArrayList<>();
        event.path(field).forEach(u -> users.add(u.asText()));
        return users;
    }
}
