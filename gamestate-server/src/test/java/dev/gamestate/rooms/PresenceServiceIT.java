package dev.gamestate.rooms;

import static dev.gamestate.rooms.ServiceNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.Keys;
import dev.gamestate.state.WatchEnd;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence of the rooms service on real etcd: rooms without it, and a watch of the records that ends. */
class PresenceServiceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PRESENCE = "core.game.state.presence";
    /** Rooms whose name starts with "huge" have no presence. */
    private static final PresencePolicy NOT_HUGE = (ns, room) -> !room.startsWith("huge");

    private final List<ServiceNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ServiceNode::close);
    }

    private ServiceNode node(GameConfig config, String nodeId) {
        ServiceNode node = ServiceNode.start(config, nodeId, NOT_HUGE);
        nodes.add(node);
        return node;
    }

    private static GameConfig config() {
        return ServiceNode.config(ETCD.endpointsCsv(), Map.of("GAMESTATE_PRESENCE_INTERVAL", "100ms"));
    }

    @Test
    void aRoomWithoutPresenceRefusesTheRequestPushesNothingAndItsRecordsAreBareCounts() {
        GameConfig config = config();
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        a.request(alice, "subscribe", "{\"room\":\"huge-lobby\"}");
        a.request(alice, "subscribe", "{\"room\":\"match\"}");

        GameException refused = a.refused(alice, "presence", "{\"room\":\"huge-lobby\"}");
        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refused.getMessage()).isEqualTo("room huge-lobby has no presence");

        RecordingConnection bob = b.player("bob");
        b.request(bob, "subscribe", "{\"room\":\"huge-lobby\"}");
        b.request(bob, "subscribe", "{\"room\":\"match\"}");
        await().atMost(PATIENCE).until(() -> alice.events(PRESENCE).stream()
                .anyMatch(e -> e.path("payload").path("joined").toString().contains("bob")));
        assertThat(alice.events(PRESENCE)).allSatisfy(e -> assertThat(e.path("room").asText()).isEqualTo("match"));
        String prefix = a.etcd().keys().subscriptions(Namespace.PRIVATE, "huge-lobby");
        await().atMost(PATIENCE).until(() -> raw(a, prefix + "node-b").equals("1"));
        assertThat(raw(a, prefix + "node-a")).isEqualTo("1");
        assertThat(a.rooms().snapshot(Namespace.PRIVATE, "huge-lobby").join().subscribers()).isEqualTo(2);
        assertThat(a.rooms().presenceCounters().rooms()).as("match only").isEqualTo(1);
    }

    @Test
    void aWatchOfTheRecordsThatEndsIsStartedAgainFromAFreshRead() {
        GameConfig config = config();
        ServiceNode a = node(config, "node-a");
        ServiceNode b = node(config, "node-b");
        RecordingConnection alice = a.player("alice");
        a.request(alice, "subscribe", "{\"room\":\"r\"}");
        String records = a.etcd().keys().subscriptions(Namespace.PRIVATE, "r");
        await().atMost(PATIENCE).until(() -> a.watchStream().watching(records));

        a.watchStream().end(records, new WatchEnd.Compacted(1));
        RecordingConnection bob = b.player("bob");
        b.request(bob, "subscribe", "{\"room\":\"r\"}");

        await().atMost(PATIENCE).until(() -> a.watchStream().watching(records));
        await().atMost(PATIENCE).until(() -> alice.events(PRESENCE).stream()
                .anyMatch(e -> e.path("payload").path("joined").toString().contains("bob")));
        b.disconnect(bob);
        await().atMost(PATIENCE).until(() -> alice.events(PRESENCE).stream()
                .anyMatch(e -> e.path("payload").path("left").toString().contains("bob")));
        JsonNode now = a.request(alice, "presence", "{\"room\":\"r\"}");
        assertThat(now.toString()).isEqualTo(
                "{\"room\":\"r\",\"members\":[{\"userId\":\"alice\",\"sessions\":1}],\"count\":1,\"complete\":true}");
    }

    @Test
    void aRoomsPresenceIsFollowedWhileItsLogIsWatchedAndNoLonger() {
        ServiceNode a = node(config(), "node-a");
        RecordingConnection alice = a.player("alice");
        a.request(alice, "subscribe", "{\"room\":\"r\"}");
        String records = a.etcd().keys().subscriptions(Namespace.PRIVATE, "r");
        await().atMost(PATIENCE).until(() -> a.watchStream().watching(records));

        a.request(alice, "unsubscribe", "{\"room\":\"r\"}");

        await().atMost(PATIENCE).until(() -> !a.watchStream().watching(records));
        assertThat(a.rooms().presenceCounters().rooms()).isZero();
        assertThat(a.rooms().watchedRooms()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.watchStream().liveWatches() == 2); // alice's user watches
    }

    private static String raw(ServiceNode node, String key) {
        var kvs = node.etcd().kv().get(Keys.bytes(key)).join().getKvs();
        return kvs.isEmpty() ? "" : kvs.getFirst().getValue().toString(StandardCharsets.UTF_8);
    }
}
