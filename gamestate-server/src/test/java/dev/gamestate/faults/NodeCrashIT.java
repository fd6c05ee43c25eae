package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed with SIGKILL: nothing of it is released on the way out, yet its session records leave
 * etcd within the lease TTL, and its clients resume on the other node with {@code since}, missing
 * nothing and seeing nothing twice.
 */
class NodeCrashIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    /** Etcd checks for expired leases twice a second; the rest is a busy two-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final String ROOM = "crash-room";
    private static final String BUY = "core.game.state.buy_good";
    private static final String BROADCAST = "core.game.state.broadcast";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aKilledNodesSessionsLeaveEtcdWithinTheLeaseTtlAndItsClientResumesElsewhereWithoutAGap() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_LEASE_TTL", LEASE_TTL.toSeconds() + "s");
        Map<String, String> survivorEnv = new HashMap<>(env);
        survivorEnv.put("GAMESTATE_SERVER_NODE_ID", "crash-y");
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             ChildNode doomed = ChildNode.start(env, "crash-x");
             TestNode survivor = TestNode.start(survivorEnv);
             Player alice = Player.connect(doomed.privateWs(), "alice");
             Player bob = Player.connect(survivor.privateWs(), "bob")) {
            alice.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            publish(bob, 1, 3);
            alice.awaitSeq(ROOM, 3, Player.WAIT);
            await().atMost(Player.WAIT).until(() -> etcd.count("sessions/private/alice/") == 1);

            // A purchase on its way as the node dies: whatever became of it, the retry settles it once.
            alice.send(BUY, "{\"goodId\":\"sword\",\"requestId\":\"crash-buy-1\"}");
            long killedAt = System.nanoTime();
            doomed.crash();

            assertThat(alice.awaitClose()).as("the socket of a killed node breaks, no close frame").isIn(-1, 1006);
            await("alice's session record and the node registration leave etcd")
                    .atMost(LEASE_TTL.plus(SLACK)).pollInterval(Duration.ofMillis(100))
                    .until(() -> etcd.count("sessions/private/alice/") == 0 && etcd.count("nodes/crash-x") == 0);
            Duration leftAfter = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("NodeCrashIT: the killed node's keys left etcd %d ms after SIGKILL (TTL %s)%n",
                    leftAfter.toMillis(), LEASE_TTL);

            publish(bob, 4, 8);
            List<JsonNode> beforeCrash = alice.roomFrames(ROOM);
            long lastSeen = beforeCrash.getLast().path("seq").asLong();
            try (Player again = Player.connect(survivor.privateWs(), "alice")) {
                JsonNode resumed = again.ack("subscribe", "{\"room\":\"" + ROOM + "\",\"since\":" + lastSeen + "}");
                assertThat(resumed.path("recovered").asBoolean()).isTrue();
                assertThat(resumed.path("seq").asLong()).isEqualTo(8);
                assertThat(resumed.path("missed").asLong()).isEqualTo(8 - lastSeen);
                publish(bob, 9, 9);

                again.awaitSeq(ROOM, 9, Player.WAIT);
                bob.awaitSeq(ROOM, 9, Player.WAIT);
                assertThat(Seqs.of(again.roomFrames(ROOM))).as("exactly the missed events, then the live one")
                        .isEqualTo(Seqs.range(lastSeen + 1, 9));
                List<JsonNode> aliceAll = new ArrayList<>(beforeCrash);
                aliceAll.addAll(again.roomFrames(ROOM));
                assertThat(Seqs.of(bob.roomFrames(ROOM))).isEqualTo(Seqs.range(1, 9));
                assertThat(Seqs.events(aliceAll)).as("alice across both connections saw what bob saw")
                        .isEqualTo(Seqs.events(bob.roomFrames(ROOM)));

                // Before the retry: the purchase on its way is all there or not there at all.
                boolean recorded = etcd.count("purchases/alice/crash-buy-1") == 1;
                assertThat(etcd.json("stock/sword").map(JsonNode::asLong)).contains(recorded ? 999L : 1000L);
                assertThat(etcd.json("wallets/alice").map(w -> w.path("balance").path("gold").asLong()).orElse(1000L))
                        .isEqualTo(recorded ? 900L : 1000L);
                JsonNode bought = again.ack(BUY, "{\"goodId\":\"sword\",\"requestId\":\"crash-buy-1\"}");
                assertThat(bought.path("replayed").asBoolean()).isEqualTo(recorded);
                System.out.printf("NodeCrashIT: the purchase sent as the node died %s%n",
                        bought.path("replayed").asBoolean() ? "had committed (the retry replayed it)"
                                : "had not committed (the retry made it)");
                assertThat(bought.path("owned").asLong()).isEqualTo(1);
                assertThat(bought.path("balance").path("gold").asLong()).isEqualTo(900);
                JsonNode wallet = again.ack("wallet", "{}");
                assertThat(wallet.path("balance").path("gold").asLong()).isEqualTo(900);
                assertThat(etcd.json("stock/sword").map(JsonNode::asLong)).contains(999L);
                Books.assertBalanced(etcd, "alice", Set.of("crash-buy-1"));
            }
        }
    }

    /** Bob broadcasts the events {@code from..to}, each acked at the seq it expects. */
    private static void publish(Player bob, int from, int to) {
        for (int i = from; i <= to; i++) {
            JsonNode ack = bob.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"patch\":{\"round\":" + i + "}}");
            assertThat(ack.path("seq").asLong()).isEqualTo(i);
        }
    }
}
