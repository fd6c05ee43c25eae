package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.TestNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two of three etcd members gone: the node answers {@code unavailable} within its request timeout,
 * does nothing by halves, reports itself unready, and serves again once a quorum is back, without a
 * restart of its own.
 */
@Tag("slow")
class EtcdQuorumLossIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.members(3);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** A busy two-core machine, and the hop from etcd's answer to the client's frame. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final String ROOM = "quorum-room";
    private static final String BROADCAST = "core.game.state.broadcast";
    private static final String BUY = "core.game.state.buy_good";

    /** Puts every member back to running and healthy, whatever the test did to it. */
    @AfterEach
    void restoreMembers() {
        ETCD.cluster().restoreAll(RECOVERY);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutAQuorumRequestsAreUnavailableInTimeNothingIsHalfDoneAndServiceResumesAfterwards() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_REQUEST_TIMEOUT", REQUEST_TIMEOUT.toSeconds() + "s");
        List<Long> acked = new ArrayList<>();
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             TestNode node = TestNode.start(env);
             Player alice = Player.connect(node.privateWs(), "alice");
             Player bob = Player.connect(node.privateWs(), "bob")) {
            URI readyz = node.http("/readyz");
            alice.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            acked.add(alice.ack(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"before\"}").path("seq").asLong());
            alice.ack(BUY, "{\"goodId\":\"potion\",\"requestId\":\"q-before\"}");
            assertThat(status(readyz)).isEqualTo(200);

            EtcdProcess stopped = ETCD.cluster().member(0);
            EtcdProcess frozen = ETCD.cluster().member(1);
            stopped.stop();
            frozen.pause();
            try {
                Duration once = REQUEST_TIMEOUT.plus(SLACK);
                unavailable(alice, BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"during\"}", once);
                unavailable(alice, "wallet", "{}", once);
                unavailable(alice, "core.game.state.send_message", "{\"to\":\"bob\",\"text\":\"hi\"}", once);
                unavailable(bob, "subscribe", "{\"room\":\"another-room\"}", once);
                // The store settles an unanswered transaction by running it once more: two timeouts.
                unavailable(alice, BUY, "{\"goodId\":\"sword\",\"requestId\":\"q-outage\"}",
                        REQUEST_TIMEOUT.multipliedBy(2).plus(SLACK));
                assertThat(alice.ack("ping", "{}").path("serverTime").asText()).as("ping needs no etcd").isNotEmpty();
                long asked = System.nanoTime();
                assertThat(status(readyz)).isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(once);
            } finally {
                frozen.resume();
                stopped.restart();
            }

            long back = System.nanoTime();
            await("a broadcast is acked again").atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode reply = alice.request(BROADCAST, "{\"room\":\"" + ROOM + "\",\"data\":\"after\"}");
                if (reply.path("type").asText().equals("ack")) {
                    acked.add(reply.path("result").path("seq").asLong());
                    return true;
                }
                return false;
            });
            System.out.printf("EtcdQuorumLossIT: first broadcast acked %d ms after the quorum was back%n",
                    Duration.ofNanos(System.nanoTime() - back).toMillis());
            await("/readyz").atMost(RECOVERY).until(() -> status(readyz) == 200);

            long last = acked.getLast();
            alice.awaitSeq(ROOM, last, Player.WAIT);
            bob.awaitSeq(ROOM, last, Player.WAIT);
            Seqs.assertNoSilentGap("alice", 0, alice.roomFrames(ROOM));
            assertThat(Seqs.of(alice.roomFrames(ROOM))).containsAll(acked);
            assertThat(Seqs.events(bob.roomFrames(ROOM))).isEqualTo(Seqs.events(alice.roomFrames(ROOM)));
            System.out.printf("EtcdQuorumLossIT: acked seqs %s, delivered %s%n", acked,
                    Seqs.describe(alice.roomFrames(ROOM)));

            // Before any retry: the purchase tried during the outage is all there or not there at all.
            boolean recorded = etcd.count("purchases/alice/q-outage") == 1;
            assertThat(etcd.json("stock/sword").map(JsonNode::asLong)).contains(recorded ? 999L : 1000L);
            assertThat(etcd.json("wallets/alice").map(w -> w.path("balance").path("gold").asLong()))
                    .contains(recorded ? 890L : 990L);
            JsonNode retried = alice.ack(BUY, "{\"goodId\":\"sword\",\"requestId\":\"q-outage\"}");
            assertThat(retried.path("replayed").asBoolean()).isEqualTo(recorded);
            System.out.printf("EtcdQuorumLossIT: the purchase tried during the outage %s%n",
                    retried.path("replayed").asBoolean() ? "committed after all (the retry replayed it)"
                            : "had not happened (the retry made it)");
            JsonNode again = alice.ack(BUY, "{\"goodId\":\"sword\",\"requestId\":\"q-outage\"}");
            assertThat(again.path("replayed").asBoolean()).isTrue();
            assertThat(again.path("purchaseId").asText()).isEqualTo(retried.path("purchaseId").asText());
            assertThat(alice.ack("wallet", "{}").path("balance").path("gold").asLong()).isEqualTo(1000 - 10 - 100);
            assertThat(etcd.json("stock/sword").map(JsonNode::asLong)).contains(999L);
            Books.assertBalanced(etcd, "alice", Set.of("q-before", "q-outage"));
            await("alice's session record").atMost(RECOVERY)
                    .until(() -> etcd.count("sessions/private/alice/") == 1);
        }
    }

    /** Sends a request that must be refused {@code unavailable}, with a retry hint, within {@code limit}. */
    private static void unavailable(Player player, String type, String payload, Duration limit) {
        long sent = System.nanoTime();
        JsonNode reply = player.request(type, payload);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        System.out.printf("EtcdQuorumLossIT: %s answered %s in %d ms%n", type, reply.path("error").path("code"),
                took.toMillis());
        assertThat(reply.path("type").asText()).as("reply to %s: %s", type, reply).isEqualTo("error");
        assertThat(reply.path("error").path("code").asText()).as("%s", reply).isEqualTo("unavailable");
        assertThat(reply.path("error").has("retryAfterMs")).as("%s", reply).isTrue();
        assertThat(took).as("%s answered within", type).isLessThan(limit);
    }

    private static int status(URI uri) {
        return HttpProbe.tryGet(uri, Map.of()).map(HttpProbe.Answer::status).orElse(0);
    }
}
