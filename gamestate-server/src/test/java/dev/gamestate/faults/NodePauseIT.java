package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node frozen (SIGSTOP) past its lease TTL: etcd forgets its sessions as if it had died. Once it
 * runs again it takes a new lease and writes its sessions back, and its clients, whose sockets never
 * closed, carry on without losing an event or a message.
 */
class NodePauseIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** The watchdog looks every TTL/4 and needs two silent rounds, then writes the keys again. */
    private static final Duration COMEBACK = Duration.ofSeconds(10);
    private static final String ROOM = "pause-room";
    private static final String BROADCAST = "core.game.state.broadcast";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNodeFrozenPastItsLeaseGetsItsSessionsBackAndItsClientCarriesOn() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_LEASE_TTL", LEASE_TTL.toSeconds() + "s");
        Map<String, String> otherEnv = new HashMap<>(env);
        otherEnv.put("GAMESTATE_SERVER_NODE_ID", "pause-y");
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             ChildNode frozen = ChildNode.start(env, "pause-x");
             TestNode other = TestNode.start(otherEnv);
             Player alice = Player.connect(frozen.privateWs(), "alice");
             Player bob = Player.connect(other.privateWs(), "bob")) {
            alice.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            publish(bob, 1, 2);
            alice.awaitSeq(ROOM, 2, Player.WAIT);
            await().atMost(Player.WAIT).until(() -> etcd.count("sessions/private/alice/") == 1
                    && etcd.count("subscriptions/private/" + ROOM + "/pause-x") == 1);
            long leaseBefore = etcd.list("nodes/pause-x").getFirst().getLease();

            frozen.pause();
            long pausedAt = System.nanoTime();
            await("the frozen node's session, subscription and registration leave etcd")
                    .atMost(LEASE_TTL.plus(SLACK)).pollInterval(Duration.ofMillis(100))
                    .until(() -> etcd.count("sessions/private/alice/") == 0 && etcd.count("nodes/pause-x") == 0
                            && etcd.count("subscriptions/private/" + ROOM + "/pause-x") == 0);
            System.out.printf("NodePauseIT: keys of the frozen node gone %d ms after SIGSTOP%n",
                    Duration.ofNanos(System.nanoTime() - pausedAt).toMillis());
            publish(bob, 3, 5);
            JsonNode sent = bob.ack("core.game.state.send_message", "{\"to\":\"alice\",\"text\":\"while frozen\"}");
            assertThat(sent.path("delivered").asText()).as("alice has no session etcd knows of").isEqualTo("queued");

            frozen.resume();
            long resumedAt = System.nanoTime();
            await("the node takes a new lease and writes its keys again").atMost(COMEBACK)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> etcd.count("sessions/private/alice/") == 1 && etcd.count("nodes/pause-x") == 1
                            && etcd.count("subscriptions/private/" + ROOM + "/pause-x") == 1);
            System.out.printf("NodePauseIT: keys back %d ms after SIGCONT%n",
                    Duration.ofNanos(System.nanoTime() - resumedAt).toMillis());
            assertThat(etcd.list("nodes/pause-x").getFirst().getLease()).isNotEqualTo(leaseBefore);
            assertThat(etcd.list("sessions/private/alice/").getFirst().getLease())
                    .isEqualTo(etcd.list("nodes/pause-x").getFirst().getLease());

            assertThat(alice.ack("ping", "{}").path("serverTime").asText()).isNotEmpty();
            JsonNode message = alice.awaitFrame(f -> f.path("type").asText().equals("core.game.state.send_message"),
                    Player.WAIT, "the message queued while the node was frozen");
            assertThat(message.path("id").asText()).isEqualTo(sent.path("messageId").asText());
            publish(bob, 6, 6);
            JsonNode own = alice.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"patch\":{\"round\":7}}");
            assertThat(own.path("seq").asLong()).isEqualTo(7);
            alice.awaitSeq(ROOM, 7, Player.WAIT);
            bob.awaitSeq(ROOM, 7, Player.WAIT);
            assertThat(Seqs.of(alice.roomFrames(ROOM))).isEqualTo(Seqs.range(1, 7));
            assertThat(Seqs.events(alice.roomFrames(ROOM))).isEqualTo(Seqs.events(bob.roomFrames(ROOM)));

            JsonNode bought = alice.ack("core.game.state.buy_good", "{\"goodId\":\"potion\",\"quantity\":3,"
                    + "\"requestId\":\"pause-buy-1\"}");
            assertThat(bought.path("balance").path("gold").asLong()).isEqualTo(970);
            Books.assertBalanced(etcd, "alice", Set.of("pause-buy-1"));
        }
    }

    private static void publish(Player publisher, int from, int to) {
        for (int i = from; i <= to; i++) {
            JsonNode ack = publisher.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"patch\":{\"round\":" + i + "}}");
            assertThat(ack.path("seq").asLong()).isEqualTo(i);
        }
    }
}
