package dev.gamestate.rooms;

import static dev.gamestate.rooms.ServiceNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.Keys;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RoomServiceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BROADCAST = "core.game.state.broadcast";

    private final List<ServiceNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(ServiceNode::close);
    }

    private GameConfig config(Map<String, String> overrides) {
        return ServiceNode.config(ETCD.endpointsCsv(), overrides);
    }

    private ServiceNode node(GameConfig config, String name) {
        ServiceNode node = ServiceNode.start(config, name);
        nodes.add(node);
        return node;
    }

    private ServiceNode node() {
        return node(config(Map.of()), "node-a");
    }

    @Test
    void subscribingToAnUntouchedRoomAnswersSeqZeroAndAnEmptyState() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");

        JsonNode ack = node.request(alice, "subscribe", "{\"room\":\"match-1\"}");

        assertThat(ack).isEqualTo(json("{\"room\":\"match-1\",\"seq\":0,\"state\":{}}"));
    }

    @Test
    void broadcastPatchesTheStateAndReachesEverySubscriberWithTheSenderIncluded() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        RecordingConnection bob = node.player("bob");
        node.request(alice, "subscribe", "{\"room\":\"match-1\"}");
        node.request(bob, "subscribe", "{\"room\":\"match-1\"}");

        JsonNode ack = node.request(alice, BROADCAST,
                "{\"room\":\"match-1\",\"patch\":{\"score\":{\"alice\":3}},\"data\":[\"goal\"]}");

        assertThat(ack.path("room").asText()).isEqualTo("match-1");
        assertThat(ack.path("seq").asLong()).isEqualTo(1);
        for (RecordingConnection c : List.of(alice, bob)) {
            await().atMost(PATIENCE).until(() -> c.events(BROADCAST).size() == 1);
            JsonNode event = c.events(BROADCAST).getFirst();
            assertThat(event.path("id").asText()).isEqualTo(ack.path("eventId").asText());
            assertThat(event.path("namespace").asText()).isEqualTo("private");
            assertThat(event.path("userId").asText()).isEqualTo("alice");
            assertThat(event.path("room").asText()).isEqualTo("match-1");
            assertThat(event.path("seq").asLong()).isEqualTo(1);
            assertThat(event.path("timestamp").asText()).isNotEmpty();
            assertThat(event.path("payload")).isEqualTo(json("{\"patch\":{\"score\":{\"alice\":3}},\"data\":[\"goal\"]}"));
        }
        RoomSnapshot snapshot = node.rooms().snapshot(Namespace.PRIVATE, "match-1").join();
        assertThat(snapshot.seq()).isEqualTo(1);
        assertThat(snapshot.state()).isEqualTo(json("{\"score\":{\"alice\":3}}"));
    }

    @Test
    void dataWithoutPatchIsCarriedAndLeavesTheStateAsItWas() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"hp\":10}}");

        node.request(alice, BROADCAST, "{\"room\":\"r\",\"data\":\"just words\"}");

        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 2);
        assertThat(alice.events(BROADCAST).get(1).path("payload")).isEqualTo(json("{\"data\":\"just words\"}"));
        assertThat(node.rooms().snapshot(Namespace.PRIVATE, "r").join().state()).isEqualTo(json("{\"hp\":10}"));
    }

    @Test
    void unsubscribeAnswersAnEmptyObjectAndStopsTheEvents() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        RecordingConnection bob = node.player("bob");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(bob, "subscribe", "{\"room\":\"r\"}");

        assertThat(node.request(bob, "unsubscribe", "{\"room\":\"r\"}")).isEqualTo(json("{}"));
        assertThat(node.request(bob, "unsubscribe", "{\"room\":\"never-joined\"}")).isEqualTo(json("{}"));
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"data\":1}");

        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 1);
        assertThat(bob.events()).isEmpty();
        assertThat(node.refused(bob, BROADCAST, "{\"room\":\"r\",\"data\":2}").code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void malformedRequestsAreInvalidPayloads() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");

        for (String[] request : List.of(
                new String[] {"subscribe", "{\"room\":\"bad room\"}"},
                new String[] {"subscribe", "{\"room\":\"\"}"},
                new String[] {"subscribe", "{\"room\":\"-starts-with-dash\"}"},
                new String[] {"subscribe", "{\"room\":\"r\",\"since\":-1}"},
                new String[] {"subscribe", "{\"room\":\"r\",\"since\":\"one\"}"},
                new String[] {"unsubscribe", "{}"},
                new String[] {BROADCAST, "{\"room\":\"r\"}"},
                new String[] {BROADCAST, "{\"room\":\"r\",\"patch\":null,\"data\":null}"},
                new String[] {BROADCAST, "{\"room\":\"r\",\"patch\":[1,2]}"},
                new String[] {BROADCAST, "{\"room\":\"r\",\"patch\":\"text\",\"data\":1}"},
                new String[] {BROADCAST, "{\"room\":\"r\",\"data\":1,\"extra\":true}"})) {
            assertThat(node.refused(alice, request[0], request[1]).code())
                    .as("%s %s", request[0], request[1])
                    .isEqualTo(ErrorCode.INVALID_PAYLOAD);
        }
    }

    @Test
    void broadcastingToARoomNotSubscribedToIsForbidden() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");

        GameException error = node.refused(alice, BROADCAST, "{\"room\":\"r\",\"data\":1}");

        assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(error.getMessage()).contains("subscribe");
    }

    @Test
    void guestsMayNotBroadcastByDefault() {
        ServiceNode node = node();
        RecordingConnection guest = node.guest("guest-1");
        node.request(guest, "subscribe", "{\"room\":\"lobby\"}");

        assertThat(node.refused(guest, BROADCAST, "{\"room\":\"lobby\",\"data\":1}").code())
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void guestsMayBroadcastWhenTheConfigurationAllowsIt() {
        ServiceNode node = node(config(Map.of("GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST", "true")), "node-a");
        RecordingConnection guest = node.guest("guest-1");
        node.request(guest, "subscribe", "{\"room\":\"lobby\"}");

        assertThat(node.request(guest, BROADCAST, "{\"room\":\"lobby\",\"data\":1}").path("seq").asLong()).isEqualTo(1);
    }

    @Test
    void aPatchThatWouldGrowTheStatePastTheLimitIsTooLargeAndChangesNothing() {
        ServiceNode node = node(config(Map.of("GAMESTATE_ROOMS_MAX_STATE_BYTES", "64")), "node-a");
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");

        GameException error = node.refused(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"blob\":\"" + "x".repeat(100) + "\"}}");

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(node.rooms().snapshot(Namespace.PRIVATE, "r").join().seq()).isZero();
        assertThat(node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"small\":1}}").path("seq").asLong())
                .isEqualTo(1);
    }

    @Test
    void aSessionHoldsNoMoreSubscriptionsThanTheLimit() {
        ServiceNode node = node(config(Map.of("GAMESTATE_LIMITS_MAX_SUBSCRIPTIONS_PER_SESSION", "2")), "node-a");
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r1\"}");
        node.request(alice, "subscribe", "{\"room\":\"r2\"}");

        assertThat(node.refused(alice, "subscribe", "{\"room\":\"r3\"}").code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        node.request(alice, "subscribe", "{\"room\":\"r1\"}"); // again: still two
        node.request(alice, "unsubscribe", "{\"room\":\"r2\"}");
        assertThat(node.request(alice, "subscribe", "{\"room\":\"r3\"}").path("room").asText()).isEqualTo("r3");
    }

    @Test
    void subscribingAgainAnswersAFreshSnapshotAndNeverRepeatsAnEvent() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":1}}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":2}}");
        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 2);

        JsonNode again = node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":3}}");

        JsonNode withoutEpoch = again.<com.fasterxml.jackson.databind.node.ObjectNode>deepCopy().without("epoch");
        assertThat(withoutEpoch).isEqualTo(json("{\"room\":\"r\",\"seq\":2,\"state\":{\"n\":2}}"));
        assertThat(again.path("epoch").asText()).hasSize(16);
        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 3);
        assertThat(alice.seqs("r")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void twoPublishersOnTwoNodesGiveEverySubscriberOneGaplessOrder() throws Exception {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection pubA = a.player("pub-a");
        RecordingConnection pubB = b.player("pub-b");
        List<RecordingConnection> subscribers = List.of(a.player("s1"), b.player("s2"), b.player("s3"));
        a.request(pubA, "subscribe", "{\"room\":\"arena\"}");
        b.request(pubB, "subscribe", "{\"room\":\"arena\"}");
        a.request(subscribers.get(0), "subscribe", "{\"room\":\"arena\"}");
        b.request(subscribers.get(1), "subscribe", "{\"room\":\"arena\"}");
        b.request(subscribers.get(2), "subscribe", "{\"room\":\"arena\"}");
        int perPublisher = 40;

        ExecutorService publishers = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> publish(a, pubA, "A", perPublisher), publishers);
            CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> publish(b, pubB, "B", perPublisher), publishers);
            CompletableFuture.allOf(fromA, fromB).join();
        } finally {
            publishers.shutdown();
        }

        int total = 2 * perPublisher;
        List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
        for (RecordingConnection s : subscribers) {
            await().atMost(PATIENCE).until(() -> s.seqs("arena").size() >= total);
            assertThat(s.seqs("arena")).as("seqs seen by %s", s).isEqualTo(expected);
        }
        List<String> order = ids(subscribers.get(0).events(BROADCAST));
        assertThat(ids(subscribers.get(1).events(BROADCAST))).isEqualTo(order);
        assertThat(ids(subscribers.get(2).events(BROADCAST))).isEqualTo(order);
        JsonNode folded = fold(JsonNodeFactory.instance.objectNode(), subscribers.get(0).events(BROADCAST));
        assertThat(a.rooms().snapshot(Namespace.PRIVATE, "arena").join().state()).isEqualTo(folded);
        assertThat(folded.path("A").asInt()).isEqualTo(perPublisher - 1);
        assertThat(folded.path("B").asInt()).isEqualTo(perPublisher - 1);
    }

    private static void publish(ServiceNode node, RecordingConnection c, String name, int count) {
        for (int i = 0; i < count; i++) {
            node.request(c, BROADCAST, "{\"room\":\"arena\",\"patch\":{\"" + name + "\":" + i
                    + ",\"last\":\"" + name + i + "\"}}");
        }
    }

    @Test
    void aLateSubscriberGetsTheStateAtItsSeqAndThenExactlyTheLaterEvents() throws Exception {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection publisher = a.player("pub");
        a.request(publisher, "subscribe", "{\"room\":\"r\"}");
        AtomicInteger published = new AtomicInteger();
        int total = 60;

        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= total; i++) {
                a.request(publisher, BROADCAST, "{\"room\":\"r\",\"patch\":{\"i\":" + i + ",\"k" + (i % 7) + "\":" + i + "}}");
                published.incrementAndGet();
            }
        });
        await().atMost(PATIENCE).until(() -> published.get() >= 10);
        RecordingConnection late = b.player("late");
        JsonNode ack = b.request(late, "subscribe", "{\"room\":\"r\"}");
        publishing.join();

        long s = ack.path("seq").asLong();
        assertThat(s).isBetween(10L, (long) total);
        List<Long> after = LongStream.rangeClosed(s + 1, total).boxed().toList();
        await().atMost(PATIENCE).until(() -> late.seqs("r").size() >= after.size());
        assertThat(late.seqs("r")).isEqualTo(after);
        assertThat(late.frames().getFirst().path("type").asText()).isEqualTo("ack");
        JsonNode finalState = a.rooms().snapshot(Namespace.PRIVATE, "r").join().state();
        assertThat(fold(ack.path("state"), late.events(BROADCAST))).isEqualTo(finalState);
    }

    @Test
    void subscribingWithSinceReplaysWhatWasMissedThenGoesLive() {
        ServiceNode node = node();
        RecordingConnection publisher = node.player("pub");
        RecordingConnection first = node.player("alice");
        node.request(publisher, "subscribe", "{\"room\":\"r\"}");
        node.request(first, "subscribe", "{\"room\":\"r\"}");
        for (int i = 1; i <= 3; i++) {
            node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":" + i + "}");
        }
        await().atMost(PATIENCE).until(() -> first.seqs("r").size() == 3);
        node.disconnect(first);
        for (int i = 4; i <= 7; i++) {
            node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":" + i + "}");
        }

        RecordingConnection again = node.player("alice");
        JsonNode ack = node.request(again, "subscribe", "{\"room\":\"r\",\"since\":3}");
        node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":8}");

        assertThat(ack.path("seq").asLong()).isEqualTo(7);
        assertThat(ack.path("recovered").asBoolean()).isTrue();
        assertThat(ack.path("missed").asLong()).isEqualTo(4);
        await().atMost(PATIENCE).until(() -> again.seqs("r").size() == 5);
        assertThat(again.seqs("r")).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(again.frames().getFirst().path("type").asText()).isEqualTo("ack");
        assertThat(again.events(BROADCAST).stream().map(e -> e.path("payload").path("data").asInt()))
                .containsExactly(4, 5, 6, 7, 8);
    }

    @Test
    void aSinceBeyondTheHistoryIsNotRecoveredAndTheLogKeepsOnlyTheHistorySize() {
        ServiceNode node = node(config(Map.of("GAMESTATE_ROOMS_HISTORY_SIZE", "5")), "node-a");
        RecordingConnection publisher = node.player("pub");
        node.request(publisher, "subscribe", "{\"room\":\"r\"}");
        for (int i = 1; i <= 10; i++) {
            node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":" + i + "}");
        }

        RecordingConnection lost = node.player("lost");
        JsonNode lostAck = node.request(lost, "subscribe", "{\"room\":\"r\",\"since\":2}");
        RecordingConnection close = node.player("close");
        JsonNode closeAck = node.request(close, "subscribe", "{\"room\":\"r\",\"since\":5}");

        assertThat(lostAck.path("recovered").asBoolean(true)).isFalse();
        assertThat(lostAck.path("missed").asLong()).isEqualTo(8);
        assertThat(lostAck.path("seq").asLong()).isEqualTo(10);
        assertThat(closeAck.path("recovered").asBoolean()).isTrue();
        await().atMost(PATIENCE).until(() -> close.seqs("r").size() == 5);
        assertThat(close.seqs("r")).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(lost.events()).isEmpty();
        assertThat(node.count(node.etcd().keys().roomLog(Namespace.PRIVATE, "r"))).isEqualTo(5);
    }

    @Test
    void aLongHistoryIsTrimmedInChunksOfAnEighthAndAlwaysReachesBackHistorySizeEvents() {
        ServiceNode node = node(config(Map.of("GAMESTATE_ROOMS_HISTORY_SIZE", "16")), "node-a");
        RecordingConnection publisher = node.player("pub");
        node.request(publisher, "subscribe", "{\"room\":\"r\"}");
        List<Long> counts = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":" + i + "}");
            counts.add(node.count(node.etcd().keys().roomLog(Namespace.PRIVATE, "r")));
        }

        // 16 events, plus at most one chunk (16 / 8 = 2) less one waiting for the next trim.
        assertThat(counts.subList(16, 40)).allSatisfy(count -> assertThat(count).isBetween(16L, 17L));
        assertThat(counts.subList(16, 40)).contains(16L, 17L);
        RecordingConnection resumed = node.player("resumed");
        JsonNode ack = node.request(resumed, "subscribe", "{\"room\":\"r\",\"since\":24}");
        assertThat(ack.path("recovered").asBoolean()).isTrue();
        await().atMost(PATIENCE).until(() -> resumed.seqs("r").size() == 16);
        assertThat(resumed.seqs("r")).first().isEqualTo(25L);
    }

    @Test
    void eventsOlderThanTheHistoryTtlAreNotReplayed() {
        ServiceNode node = node(config(Map.of("GAMESTATE_ROOMS_HISTORY_TTL", "1s")), "node-a");
        RecordingConnection publisher = node.player("pub");
        node.request(publisher, "subscribe", "{\"room\":\"r\"}");
        node.request(publisher, BROADCAST, "{\"room\":\"r\",\"data\":1}");
        RecordingConnection late = node.player("late");

        assertThat(node.request(late, "subscribe", "{\"room\":\"r\",\"since\":0}").path("recovered").asBoolean())
                .isTrue();
        await().atMost(PATIENCE).until(() -> !node.request(late, "subscribe", "{\"room\":\"r\",\"since\":0}")
                .path("recovered").asBoolean(true));
    }

    @Test
    void aGuestInLobbySeesNothingOfThePrivateLobby() {
        ServiceNode node = node();
        RecordingConnection player = node.player("alice");
        RecordingConnection guest = node.guest("guest-1");
        node.request(player, "subscribe", "{\"room\":\"lobby\"}");
        node.request(guest, "subscribe", "{\"room\":\"lobby\"}");

        node.request(player, BROADCAST, "{\"room\":\"lobby\",\"patch\":{\"secret\":true}}");
        node.rooms().publish(Namespace.GUEST,
                new BroadcastPayload("lobby", Optional.empty(), Optional.of(json("\"hello guests\""))),
                RoomService.SYSTEM).join();

        await().atMost(PATIENCE).until(() -> player.seqs("lobby").size() == 1 && guest.seqs("lobby").size() == 1);
        JsonNode seen = guest.events().getFirst();
        assertThat(seen.path("namespace").asText()).isEqualTo("guest");
        assertThat(seen.path("userId").asText()).isEqualTo("system");
        assertThat(seen.path("payload")).isEqualTo(json("{\"data\":\"hello guests\"}"));
        assertThat(node.rooms().snapshot(Namespace.GUEST, "lobby").join().state()).isEqualTo(json("{}"));
    }

    @Test
    void theAdminSnapshotCountsSubscribersOnEveryNode() {
        GameConfig config = config(Map.of());
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        RecordingConnection bob = b.player("bob");
        a.request(alice, "subscribe", "{\"room\":\"r\"}");
        b.request(bob, "subscribe", "{\"room\":\"r\"}");
        a.rooms().publish(Namespace.PRIVATE,
                new BroadcastPayload("r", Optional.of(json("{\"round\":1}")), Optional.empty()), RoomService.SYSTEM).join();

        // The counts are written behind the acks (informational, eventually consistent).
        await().atMost(ServiceNode.PATIENCE).untilAsserted(() -> assertThat(a.rooms().snapshot(Namespace.PRIVATE, "r")
                .join()).satisfies(snapshot -> {
                    assertThat(snapshot.seq()).isEqualTo(1);
                    assertThat(snapshot.state()).isEqualTo(json("{\"round\":1}"));
                    assertThat(snapshot.subscribers()).isEqualTo(2);
                    assertThat(snapshot.epoch()).hasValueSatisfying(epoch -> assertThat(epoch).hasSize(16));
                }));
        assertThat(a.count(a.etcd().keys().prefix() + "subscriptions/private/r/"))
                .as("one key per node, not per subscription").isEqualTo(2);
        b.request(bob, "unsubscribe", "{\"room\":\"r\"}");
        await().atMost(ServiceNode.PATIENCE).untilAsserted(() ->
                assertThat(a.rooms().snapshot(Namespace.PRIVATE, "r").join().subscribers()).isEqualTo(1));
        assertThat(a.count(a.etcd().keys().prefix() + "subscriptions/private/r/"))
                .as("a node whose count fell to 0 deletes its key").isEqualTo(1);
        a.disconnect(alice);
        await().atMost(ServiceNode.PATIENCE).untilAsserted(() ->
                assertThat(b.rooms().snapshot(Namespace.PRIVATE, "r").join().subscribers()).isZero());
        assertThat(a.count(a.etcd().keys().prefix() + "subscriptions/private/r/")).isZero();
    }

    @Test
    void aNodeKeepsOneCountKeyPerRoomWhateverItsNumberOfSubscribers() {
        ServiceNode node = node();
        List<RecordingConnection> players = List.of(node.player("p1"), node.player("p2"), node.player("p3"));
        players.forEach(p -> node.request(p, "subscribe", "{\"room\":\"crowd\"}"));
        node.request(players.get(0), "subscribe", "{\"room\":\"crowd\",\"since\":0}"); // a replacement

        String key = node.etcd().keys().prefix() + "subscriptions/private/crowd/" + node.nodeId();
        await().atMost(ServiceNode.PATIENCE).until(() -> sessions(node, key) == 3);
        assertThat(node.stored(key).orElseThrow().path("members"))
                .as("the same record lists the users, for presence").isEqualTo(json("{\"p1\":1,\"p2\":1,\"p3\":1}"));
        assertThat(node.count(node.etcd().keys().prefix() + "subscriptions/private/crowd/")).isEqualTo(1);
        assertThat(node.rooms().snapshot(Namespace.PRIVATE, "crowd").join().subscribers()).isEqualTo(3);

        node.disconnect(players.get(1));
        node.request(players.get(2), "unsubscribe", "{\"room\":\"crowd\"}");
        await().atMost(ServiceNode.PATIENCE).until(() -> sessions(node, key) == 1);
    }

    private static long sessions(ServiceNode node, String key) {
        return node.stored(key).map(record -> record.path("sessions").asLong()).orElse(0L);
    }

    @Test
    void aResyncSendsASnapshotToSubscriptionsThatFellBehind() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":1}}");
        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 1);
        // Events the watch never delivered: the room moved to seq 9 behind the node's back.
        node.etcd().kv().put(Keys.bytes(node.etcd().keys().roomState(Namespace.PRIVATE, "r")),
                Keys.bytes("{\"seq\":9,\"state\":{\"n\":9}}")).join();

        node.rooms().resync();
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":10}}");

        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 3);
        assertThat(alice.seqs("r")).containsExactly(1L, 9L, 10L);
        JsonNode snapshot = alice.events(RoomEvents.SNAPSHOT.name()).getFirst();
        assertThat(snapshot.path("userId").asText()).isEqualTo("system");
        assertThat(snapshot.path("payload")).isEqualTo(json("{\"state\":{\"n\":9},\"reason\":\"resync\"}"));
    }

    @Test
    void theAdminPublishValidatesLikeTheRequest() {
        ServiceNode node = node();

        var noContent = node.rooms().publish(Namespace.PRIVATE,
                new BroadcastPayload("r", Optional.empty(), Optional.empty()), "system");
        var badRoom = node.rooms().publish(Namespace.PRIVATE,
                new BroadcastPayload("no/slash", Optional.empty(), Optional.of(json("1"))), "system");

        assertThat(codeOf(noContent)).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(codeOf(badRoom)).isEqualTo(ErrorCode.INVALID_PAYLOAD);
    }

    private static ErrorCode codeOf(CompletableFuture<?> future) {
        return GameException.from(future.handle((v, e) -> e).join()).code();
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.path("id").asText()).toList();
    }

    private static JsonNode fold(JsonNode state, List<JsonNode> events) {
        JsonNode folded = state;
        for (JsonNode event : events) {
            JsonNode patch = event.path("payload").path("patch");
            if (!patch.isMissingNode()) {
                folded = MergePatch.apply(folded, patch);
            }
        }
        return folded;
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
