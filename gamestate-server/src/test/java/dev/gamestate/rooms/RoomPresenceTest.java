package dev.gamestate.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.event.Push;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.state.SubscriberRecord;
import dev.gamestate.testing.RecordingConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One room's presence on one node, with the other nodes' records handed in as its watch would. */
class RoomPresenceTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final String PRESENCE = "core.game.state.presence";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final WireCodec codec = WireCodec.create();
    private final Map<String, Integer> local = new ConcurrentHashMap<>();
    private final List<Connection> subscribers = new CopyOnWriteArrayList<>();
    private final List<Long> encodedAt = new CopyOnWriteArrayList<>();
    private final PresenceCounters counters = new PresenceCounters(() -> 1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private RoomPresence presence(int maxMembers) {
        Subscriptions.RoomKey key = new Subscriptions.RoomKey(Namespace.PRIVATE, "r");
        return new RoomPresence(key, maxMembers, INTERVAL, scheduler, () -> Map.copyOf(local),
                () -> List.copyOf(subscribers), this::encode, new TestOutbox(), counters);
    }

    private Push encode(PresenceEvent event) {
        encodedAt.add(System.nanoTime());
        return Push.ofUtf8(codec.encode(new OutboundEvent.AboutRoom<>(RoomEvents.PRESENCE_EVENT, "e-1",
                Namespace.PRIVATE, RoomService.SYSTEM, Instant.now(), "r", event)));
    }

    private RecordingConnection subscriber(String userId) {
        RecordingConnection c = RecordingConnection.player(userId);
        subscribers.add(c);
        return c;
    }

    private static List<JsonNode> presence(RecordingConnection c) {
        return c.events(PRESENCE).stream().map(f -> f.path("payload")).toList();
    }

    private static List<String> users(JsonNode payload, String field) {
        List<String> users = new ArrayList<>();
        payload.path(field).forEach(u -> users.add(u.asText()));
        return users;
    }

    @Test
    void aBurstOfJoinsIsOneEventNotOnePerJoin() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        room.loaded(room.loading(), Map.of());
        assertThat(presence(watcher)).as("nobody there, nothing to tell").isEmpty();

        for (int i = 0; i < 20; i++) {
            local.put("u" + i, 1);
            room.localChanged();
        }

        await().atMost(PATIENCE).until(() -> presence(watcher).size() == 1);
        await().during(INTERVAL.multipliedBy(2)).atMost(PATIENCE).until(() -> presence(watcher).size() == 1);
        JsonNode event = presence(watcher).getFirst();
        assertThat(users(event, "joined")).hasSize(20).isSorted().contains("u0", "u19");
        assertThat(event.has("left")).isFalse();
        assertThat(event.path("count").asLong()).isEqualTo(20);
        assertThat(event.path("complete").asBoolean()).isTrue();
        assertThat(watcher.events(PRESENCE).getFirst().path("room").asText()).isEqualTo("r");
        assertThat(watcher.events(PRESENCE).getFirst().has("seq")).as("not part of the room's stream").isFalse();
    }

    @Test
    void aUserWithSessionsOnTwoNodesLeavesOnlyWithItsLastSession() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        local.put("alice", 1);
        local.put("bob", 1);
        int generation = room.loading();
        room.loaded(generation, Map.of("node-b", new SubscriberRecord.Listed(Map.of("alice", 1))));
        assertThat(presence(watcher)).as("told at once on the first read").hasSize(1);
        assertThat(users(presence(watcher).getFirst(), "joined")).containsExactly("alice", "bob");

        local.remove("alice"); // her session here leaves; the one on node-b stays
        room.localChanged();
        await().during(INTERVAL.multipliedBy(2)).atMost(PATIENCE).until(() -> presence(watcher).size() == 1);

        room.changed(generation, List.of(new RoomPresence.NodeRecord("node-b", Optional.empty())));
        await().atMost(PATIENCE).until(() -> presence(watcher).size() == 2);
        assertThat(users(presence(watcher).getLast(), "left")).containsExactly("alice");
        assertThat(presence(watcher).getLast().path("count").asLong()).isEqualTo(1);
    }

    @Test
    void twoEventsOfARoomAreNeverCloserThanTheIntervalHoweverFastItChurns() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        room.loaded(room.loading(), Map.of());
        AtomicInteger ticks = new AtomicInteger();
        // A user joins and the previous one leaves every 10 ms, for 1.2 s.
        ScheduledFuture<?> churn = scheduler.scheduleAtFixedRate(() -> {
            int n = ticks.incrementAndGet();
            if (n > 120) {
                return;
            }
            local.put("u" + n, 1);
            local.remove("u" + (n - 1));
            room.localChanged();
        }, 0, 10, TimeUnit.MILLISECONDS);
        await().atMost(PATIENCE).until(() -> ticks.get() > 120);
        churn.cancel(false);
        await().atMost(PATIENCE).until(() -> presence(watcher).size() >= 2
                && users(presence(watcher).getLast(), "joined").contains("u120"));

        for (int i = 1; i < encodedAt.size(); i++) {
            long apartMs = TimeUnit.NANOSECONDS.toMillis(encodedAt.get(i) - encodedAt.get(i - 1));
            assertThat(apartMs).as("events %d and %d", i - 1, i).isGreaterThanOrEqualTo(INTERVAL.toMillis() - 5);
        }
        assertThat(presence(watcher).size()).as("120 changes in 1.2 s").isLessThanOrEqualTo(8);
        assertThat(counters.events()).isEqualTo(presence(watcher).size());
    }

    @Test
    void aReplyAndTheEventsAfterItAddUpForTheConnectionThatAsked() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        RecordingConnection asker = subscriber("asker");
        local.put("alice", 1);
        room.loaded(room.loading(), Map.of());

        PresenceResult reply = room.hold(asker).join();
        assertThat(reply.members()).containsExactly(new PresenceResult.Member("alice", 1));
        local.put("bob", 2);
        room.localChanged();
        await().atMost(PATIENCE).until(() -> presence(watcher).size() == 2);
        assertThat(presence(asker)).as("held while its reply is on its way").hasSize(1);

        room.release(asker); // its reply was queued: what it missed follows it
        assertThat(presence(asker)).hasSize(2);
        assertThat(users(presence(asker).getLast(), "joined")).containsExactly("bob");
        assertThat(room.held()).isZero();
        assertThat(room.hold(asker).join().members()).containsExactly(new PresenceResult.Member("alice", 1),
                new PresenceResult.Member("bob", 2));
    }

    @Test
    void aRoomPastTheBoundTurnsToACountAndBackToAFullList() {
        RoomPresence room = presence(2);
        RecordingConnection watcher = subscriber("watcher");
        local.put("a", 1);
        local.put("b", 1);
        room.loaded(room.loading(), Map.of());

        local.put("c", 1);
        room.localChanged();
        await().atMost(PATIENCE).until(() -> presence(watcher).size() == 2);
        JsonNode crowded = presence(watcher).getLast();
        assertThat(crowded.path("complete").asBoolean()).isFalse();
        assertThat(crowded.path("count").asLong()).isEqualTo(3);
        assertThat(crowded.has("joined") || crowded.has("left")).isFalse();
        assertThat(room.hold(watcher).join()).isEqualTo(new PresenceResult("r", List.of(), 3, false));
        room.release(watcher);

        local.remove("c");
        room.localChanged();
        await().atMost(PATIENCE).until(() -> presence(watcher).size() == 3);
        assertThat(presence(watcher).getLast().path("complete").asBoolean()).isTrue();
        assertThat(users(presence(watcher).getLast(), "joined")).containsExactly("a", "b");
    }

    @Test
    void whatAnOlderReadOrWatchDeliversIsDropped() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        int first = room.loading();
        int second = room.loading();

        assertThat(room.loaded(first, Map.of("node-b", new SubscriberRecord.Listed(Map.of("ghost", 1))))).isFalse();
        assertThat(room.loaded(second, Map.of())).isTrue();
        room.changed(first, List.of(new RoomPresence.NodeRecord("node-b",
                Optional.of(new SubscriberRecord.Listed(Map.of("ghost", 1))))));

        await().during(INTERVAL.multipliedBy(2)).atMost(PATIENCE).until(() -> presence(watcher).isEmpty());
        assertThat(room.hold(watcher).join().count()).isZero();
    }

    @Test
    void aReplyWaitsForTheFirstReadAndFailsUnavailableWhileItCannotBeRead() {
        RoomPresence room = presence(128);
        RecordingConnection asker = subscriber("asker");
        int generation = room.loading();
        CompletableFuture<PresenceResult> waiting = room.hold(asker);
        assertThat(waiting).isNotDone();

        room.failed(generation, new GameException(ErrorCode.UNAVAILABLE, "etcd is unreachable", 1000));
        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(GameException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(room.hold(asker)).as("until the retry begins, at once").isCompletedExceptionally();

        int retry = room.loading();
        CompletableFuture<PresenceResult> again = room.hold(asker);
        room.loaded(retry, Map.of("node-b", new SubscriberRecord.Listed(Map.of("alice", 1))));
        assertThat(again.join().members()).containsExactly(new PresenceResult.Member("alice", 1));
    }

    @Test
    void aClosedRoomPushesNothingMoreAndItsWaitingRepliesFail() {
        RoomPresence room = presence(128);
        RecordingConnection watcher = subscriber("watcher");
        room.loading();
        CompletableFuture<PresenceResult> waiting = room.hold(watcher);

        room.close();
        local.put("alice", 1);
        room.localChanged();

        assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(GameException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(room.loaded(1, Map.of())).isFalse();
        await().during(INTERVAL.multipliedBy(2)).atMost(PATIENCE).until(() -> presence(watcher).isEmpty());
        assertThat(counters.events()).isZero();
    }
}
