package dev.gamestate.rooms;

import static dev.gamestate.rooms.ServiceNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.core.Namespace;
import dev.gamestate.state.Keys;
import dev.gamestate.state.WatchEnd;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.RecordingConnection;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node's room watches: held while the room has subscribers here, each resynced on its own. */
class RoomWatchesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String BROADCAST = "core.game.state.broadcast";

    private ServiceNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private ServiceNode node() {
        node = ServiceNode.start(ServiceNode.config(ETCD.endpointsCsv(), Map.of()), "node-a");
        return node;
    }

    private String log(String room) {
        return node.etcd().keys().roomLog(Namespace.PRIVATE, room);
    }

    @Test
    void aRoomIsWatchedWhileItHasSubscribersAndForALingerAfterTheLastLeft() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        RecordingConnection bob = node.player("bob");
        assertThat(node.watchStream().watching(log("r"))).isFalse();

        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(bob, "subscribe", "{\"room\":\"r\"}");
        assertThat(node.watchStream().watching(log("r"))).isTrue();
        assertThat(node.rooms().watchedRooms()).isEqualTo(1);

        node.request(alice, "unsubscribe", "{\"room\":\"r\"}");
        node.disconnect(bob);
        // The last one left: the watch lingers, then goes; the users' watches went with their sessions.
        await().atMost(PATIENCE).until(() -> !node.watchStream().watching(log("r")));
        assertThat(node.rooms().watchedRooms()).isZero();
        assertThat(node.watchStream().liveWatches()).as("alice's notification key and inbox").isEqualTo(2);

        // Back again: a new watch, from the new subscribe's read, and events flow.
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":1}}");
        await().atMost(PATIENCE).until(() -> alice.seqs("r").equals(List.of(1L)));
    }

    @Test
    void aSubscriberBackWithinTheLingerKeepsTheRunningWatch() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        // alice's notification key and inbox, the room's log, and its subscriber records (presence,
        // started after a read of them, so maybe just after the ack).
        await().atMost(PATIENCE).until(() -> node.watchStream().liveWatches() == 4);
        int watches = node.watchStream().liveWatches();
        long streams = node.watchStream().streamsStarted();

        node.request(alice, "unsubscribe", "{\"room\":\"r\"}");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":1}}");

        await().atMost(PATIENCE).until(() -> alice.seqs("r").equals(List.of(1L)));
        assertThat(node.watchStream().liveWatches()).isEqualTo(watches);
        assertThat(node.watchStream().streamsStarted()).isEqualTo(streams);
    }

    @Test
    void aCompactedRoomWatchResyncsThatRoomAloneAndWatchesItAgain() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        RecordingConnection bob = node.player("bob");
        node.request(alice, "subscribe", "{\"room\":\"r\"}");
        node.request(bob, "subscribe", "{\"room\":\"s\"}");
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":1}}");
        node.request(bob, BROADCAST, "{\"room\":\"s\",\"patch\":{\"n\":1}}");
        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 1 && bob.seqs("s").size() == 1);
        // Both rooms moved to seq 9 behind the node's back; only r's watch says it lost events.
        putState("r", 9);
        putState("s", 9);

        node.watchStream().end(log("r"), new WatchEnd.Compacted(1));

        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 2);
        assertThat(alice.seqs("r")).containsExactly(1L, 9L);
        assertThat(alice.events(RoomEvents.SNAPSHOT.name()).getFirst().path("payload").path("reason").asText())
                .isEqualTo("resync");
        // r is watched again from the resync's read: the next event arrives.
        await().atMost(PATIENCE).until(() -> node.watchStream().watching(log("r")));
        node.request(alice, BROADCAST, "{\"room\":\"r\",\"patch\":{\"n\":10}}");
        await().atMost(PATIENCE).until(() -> alice.seqs("r").size() == 3);
        assertThat(alice.seqs("r")).containsExactly(1L, 9L, 10L);
        // s was not resynced: no snapshot for bob, its watch untouched.
        node.request(bob, BROADCAST, "{\"room\":\"s\",\"patch\":{\"n\":10}}");
        await().atMost(PATIENCE).until(() -> bob.seqs("s").size() == 2);
        assertThat(bob.events(RoomEvents.SNAPSHOT.name())).isEmpty();
        assertThat(bob.seqs("s")).containsExactly(1L, 10L);
    }

    @Test
    void everyKeyOfOneTransactionIsDeliveredInSeqOrderThoughTheyShareARevision() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"arena\"}");
        Keys keys = node.etcd().keys();

        // Listed out of order on purpose: delivery follows the seq, not the order of the ops.
        node.etcd().kv().txn().Then(event(keys, 3), event(keys, 1), event(keys, 2)).commit().join();
        node.etcd().kv().txn().Then(event(keys, 4)).commit().join();

        await().atMost(PATIENCE).until(() -> alice.seqs("arena").size() == 4);
        assertThat(alice.seqs("arena")).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aLogKeyHoldingARunOfEventsIsDeliveredAsEachOfThemInOrder() {
        ServiceNode node = node();
        RecordingConnection alice = node.player("alice");
        node.request(alice, "subscribe", "{\"room\":\"arena\"}");
        Keys keys = node.etcd().keys();

        // One transaction: a run of three at seq 1, and a run of two at seq 4 listed before it.
        node.etcd().kv().txn().Then(run(keys, 4, 2), run(keys, 1, 3)).commit().join();
        node.etcd().kv().txn().Then(event(keys, 6)).commit().join();

        await().atMost(PATIENCE).until(() -> alice.seqs("arena").size() == 6);
        assertThat(alice.seqs("arena")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    private static Op run(Keys keys, long first, int count) {
        StringBuilder value = new StringBuilder("[");
        for (long seq = first; seq < first + count; seq++) {
            value.append(seq == first ? "" : ",").append(frame(seq));
        }
        return Op.put(Keys.bytes(keys.roomEvent(Namespace.PRIVATE, "arena", first)), Keys.bytes(value + "]"),
                PutOption.DEFAULT);
    }

    private static String frame(long seq) {
        return "{\"type\":\"" + BROADCAST + "\",\"room\":\"arena\",\"seq\":" + seq + "}";
    }

    private static Op event(Keys keys, long seq) {
        String frame = "{\"type\":\"" + BROADCAST + "\",\"room\":\"arena\",\"seq\":" + seq + "}";
        return Op.put(Keys.bytes(keys.roomEvent(Namespace.PRIVATE, "arena", seq)), Keys.bytes(frame),
                PutOption.DEFAULT);
    }

    private void putState(String room, long seq) {
        node.etcd().kv().put(Keys.bytes(node.etcd().keys().roomState(Namespace.PRIVATE, room)),
                Keys.bytes("{\"seq\":" + seq + ",\"state\":{\"n\":" + seq + "}}")).join();
    }
}
