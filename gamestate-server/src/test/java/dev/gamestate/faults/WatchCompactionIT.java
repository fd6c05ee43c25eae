package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that falls behind etcd's compaction: its subscribers either get every event in order or a
 * {@code snapshot} covering the ones it can no longer read, never a silent gap, and the events after
 * it as usual. A room of the same node that was not written meanwhile gets no snapshot.
 */
class WatchCompactionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String BROADCAST = "core.game.state.broadcast";
    /** Events published while the node is frozen. */
    private static final int FROZEN_FROM = 3;
    private static final int FROZEN_TO = 7;

    /**
     * The scenario as it happens most often: the frozen node's watch stream stays open, so what etcd
     * sent it before the compaction is still in its socket.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void compactionWhileANodeIsFrozenLeavesItsSubscribersNoGap() {
        List<JsonNode> frames = lagBehindCompaction("compact-a", false);

        Seqs.assertNoSilentGap("alice", 0, frames);
        System.out.printf("WatchCompactionIT (watch stream kept): alice saw %s%n", Seqs.describe(frames));
    }

    /**
     * The frozen node's watch stream breaks too (etcd restarted meanwhile), so it must resume below the
     * compacted revision: etcd refuses, and the node sends its subscribers a snapshot.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWatchThatMustResumeBelowTheCompactionResyncsItsSubscribersWithASnapshot() {
        List<JsonNode> frames = lagBehindCompaction("compact-b", true);

        Seqs.assertNoSilentGap("alice", 0, frames);
        List<JsonNode> snapshots = frames.stream().filter(f -> f.path("type").asText().equals("snapshot")).toList();
        assertThat(snapshots).as("alice's frames %s", Seqs.describe(frames)).hasSize(1);
        JsonNode snapshot = snapshots.getFirst();
        assertThat(snapshot.path("seq").asLong()).isEqualTo(FROZEN_TO);
        assertThat(snapshot.path("payload").path("reason").asText()).isEqualTo("resync");
        assertThat(snapshot.path("payload").path("state")).isEqualTo(stateAfter(FROZEN_TO));
        System.out.printf("WatchCompactionIT (watch stream broken): alice saw %s%n", Seqs.describe(frames));
    }

    /**
     * Alice subscribes on a child node, which is frozen while bob publishes on another and etcd is
     * compacted to its current revision ({@code restartEtcd}: etcd also restarts in between); then the
     * node runs again and bob publishes once more. Returns alice's frames of the room.
     */
    private static List<JsonNode> lagBehindCompaction(String room, boolean restartEtcd) {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        Map<String, String> otherEnv = new HashMap<>(env);
        otherEnv.put("GAMESTATE_SERVER_NODE_ID", room + "-y");
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             ChildNode lagging = ChildNode.start(env, room + "-x");
             TestNode other = TestNode.start(otherEnv);
             Player alice = Player.connect(lagging.privateWs(), "alice");
             Player bob = Player.connect(other.privateWs(), "bob")) {
            alice.ack("subscribe", "{\"room\":\"" + room + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + room + "\"}");
            // A second room on the lagging node, written before and after the freeze only.
            String calm = room + "-calm";
            alice.ack("subscribe", "{\"room\":\"" + calm + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + calm + "\"}");
            publish(bob, calm, 1, 1);
            alice.awaitSeq(calm, 1, Player.WAIT);
            publish(bob, room, 1, FROZEN_FROM - 1);
            alice.awaitSeq(room, FROZEN_FROM - 1, Player.WAIT);

            lagging.pause();
            if (restartEtcd) {
                ETCD.cluster().member(0).restart();
                await().atMost(Player.WAIT).until(() -> HttpProbe.tryGet(other.http("/readyz"), Map.of())
                        .map(HttpProbe.Answer::status).orElse(0) == 200);
            }
            publish(bob, room, FROZEN_FROM, FROZEN_TO);
            bob.awaitSeq(room, FROZEN_TO, Player.WAIT);
            etcd.compact(etcd.revision());
            lagging.resume();

            alice.awaitSeq(room, FROZEN_TO, Player.WAIT);
            publish(bob, room, FROZEN_TO + 1, FROZEN_TO + 1);
            alice.awaitSeq(room, FROZEN_TO + 1, Player.WAIT);
            bob.awaitSeq(room, FROZEN_TO + 1, Player.WAIT);
            assertThat(alice.roomFrames(room).getLast().path("seq").asLong()).isEqualTo(FROZEN_TO + 1);
            publish(bob, calm, 2, 2);
            alice.awaitSeq(calm, 2, Player.WAIT);
            assertThat(alice.roomFrames(calm)).as("the calm room's frames: no snapshot, no gap")
                    .allMatch(f -> f.path("type").asText().equals(BROADCAST));
            assertThat(Seqs.of(alice.roomFrames(calm))).isEqualTo(Seqs.range(1, 2));
            assertThat(Seqs.of(bob.roomFrames(room))).isEqualTo(Seqs.range(1, FROZEN_TO + 1));
            try (WsClient carol = other.player("carol")) {
                JsonNode now = carol.ack("subscribe", "{\"room\":\"" + room + "\"}");
                assertThat(now.path("state")).isEqualTo(stateAfter(FROZEN_TO + 1));
            }
            return alice.roomFrames(room);
        }
    }

    private static void publish(Player publisher, String room, int from, int to) {
        for (int i = from; i <= to; i++) {
            JsonNode ack = publisher.ack(BROADCAST,
                    "{\"room\":\"" + room + "\",\"patch\":{\"round\":" + i + ",\"r" + i + "\":true}}");
            assertThat(ack.path("seq").asLong()).isEqualTo(i);
        }
    }

    /** The room's state after the events {@code 1..seq}. */
    private static JsonNode stateAfter(int seq) {
        ObjectNode state = WsClient.object();
        state.put("round", seq);
        for (int i = 1; i <= seq; i++) {
            state.put("r" + i, true);
        }
        return state;
    }
}
