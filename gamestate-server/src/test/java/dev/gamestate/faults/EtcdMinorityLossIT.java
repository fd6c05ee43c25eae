package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdCluster;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import dev.gamestate.testing.TestNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One etcd member of three lost (killed, or frozen with SIGSTOP): the other two keep a quorum, and the
 * nodes keep acking broadcasts, messages and purchases. A request whose etcd call went to the lost
 * member may come back {@code unavailable} once its request timeout passed; the protocol lets clients
 * retry those, and this test does, a bounded number of times.
 *
 * <p>What jetcd does (observed with 0.8.7, round-robin over all members): a killed member refuses
 * connections, gRPC drops it from the rotation at once, and calls fail over without a single
 * {@code unavailable}. A frozen member keeps its TCP connections open, so gRPC keeps sending it about a
 * third of the calls, each of which hangs until the request timeout, until the channel's keep-alive
 * ping ({@code Etcd}: 10 s, then the request timeout to answer) declares the connection dead, some 12 s
 * after the freeze; a new connection to it never gets the server's HTTP/2 settings, so it stays out of
 * the rotation after that. Until then watch and lease keep-alive streams on it stall too.
 */
@Tag("slow")
class EtcdMinorityLossIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.members(3);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** A killed member: refusals only while the survivors elect a leader. */
    private static final Duration KILLED_WINDOW = REQUEST_TIMEOUT.multipliedBy(2);
    /**
     * A frozen member: refusals until gRPC's keep-alive gives up on its connection (10 s keep-alive time,
     * plus the request timeout to answer the ping), plus one request timeout and slack.
     */
    private static final Duration FROZEN_WINDOW = Duration.ofSeconds(10).plus(REQUEST_TIMEOUT.multipliedBy(2))
            .plusSeconds(2);
    private static final int ROUNDS_BEFORE = 2;
    private static final int ROUNDS_AFTER = 8;
    /** Delivery through a watch whose member froze waits for gRPC's keep-alive to give up on it. */
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String ROOM = "minority-room";
    private static final String BROADCAST = "core.game.state.broadcast";
    private static final String MESSAGE = "core.game.state.send_message";
    private static final String BUY = "core.game.state.buy_good";

    /** Puts every member back to running and healthy, whatever the test did to it. */
    @AfterEach
    void restoreMembers() {
        ETCD.cluster().restoreAll(DELIVERY);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withTheLeaderKilledBroadcastsMessagesAndPurchasesAreStillAcked() {
        loseOneMember("killed", EtcdProcess::kill, KILLED_WINDOW);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withTheLeaderFrozenBroadcastsMessagesAndPurchasesAreStillAcked() {
        loseOneMember("frozen", EtcdProcess::pause, FROZEN_WINDOW);
    }

    /**
     * Two nodes, a player on each; rounds of requests before and after {@code fault} hits the leader.
     * Every {@code unavailable} must come within {@code window} of the fault; each is retried.
     */
    private static void loseOneMember(String how, Consumer<EtcdProcess> fault, Duration window) {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_REQUEST_TIMEOUT", REQUEST_TIMEOUT.toSeconds() + "s");
        Map<String, String> envB = new HashMap<>(env);
        env.put("GAMESTATE_SERVER_NODE_ID", how + "-a");
        envB.put("GAMESTATE_SERVER_NODE_ID", how + "-b");
        Retries retries = new Retries(how, window);
        List<Long> seqs = new ArrayList<>();
        Set<String> messageIds = new LinkedHashSet<>();
        Set<String> requestIds = new LinkedHashSet<>();
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             TestNode nodeA = TestNode.start(env);
             TestNode nodeB = TestNode.start(envB);
             Player alice = Player.connect(nodeA.privateWs(), "alice");
             Player bob = Player.connect(nodeB.privateWs(), "bob")) {
            alice.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            bob.ack("subscribe", "{\"room\":\"" + ROOM + "\"}");
            for (int round = 1; round <= ROUNDS_BEFORE + ROUNDS_AFTER; round++) {
                if (round == ROUNDS_BEFORE + 1) {
                    int leader = leaderIndex(ETCD.cluster());
                    System.out.printf("EtcdMinorityLossIT[%s]: losing the leader, member %d%n", how, leader);
                    fault.accept(ETCD.cluster().member(leader));
                    retries.faultAt = System.nanoTime();
                }
                JsonNode event = retries.ack(alice, BROADCAST,
                        "{\"room\":\"" + ROOM + "\",\"patch\":{\"round\":" + round + "}}");
                seqs.add(event.path("seq").asLong());
                messageIds.add(retries.ack(bob, MESSAGE, "{\"to\":\"alice\",\"text\":\"round " + round + "\"}")
                        .path("messageId").asText());
                String requestId = how + "-buy-" + round;
                requestIds.add(requestId);
                retries.ack(alice, BUY, "{\"goodId\":\"potion\",\"requestId\":\"" + requestId + "\"}");
            }
            System.out.println(retries);

            long last = seqs.getLast();
            alice.awaitSeq(ROOM, last, DELIVERY);
            bob.awaitSeq(ROOM, last, DELIVERY);
            Seqs.assertNoSilentGap("alice", 0, alice.roomFrames(ROOM));
            assertThat(Seqs.of(alice.roomFrames(ROOM))).containsAll(seqs);
            assertThat(Seqs.events(bob.roomFrames(ROOM))).isEqualTo(Seqs.events(alice.roomFrames(ROOM)));
            for (String id : messageIds) {
                alice.awaitFrame(f -> f.path("type").asText().equals(MESSAGE) && f.path("id").asText().equals(id),
                        DELIVERY, "message " + id);
            }
            assertThat(alice.ack("wallet", "{}").path("balance").path("gold").asLong())
                    .isEqualTo(1000 - 10L * requestIds.size());
            Books.assertBalanced(etcd, "alice", requestIds);
        }
    }

    /** Asks each member for its status and returns the index of the one that leads. */
    private static int leaderIndex(EtcdCluster cluster) {
        for (int i = 0; i < cluster.size(); i++) {
            String endpoint = cluster.member(i).endpoint();
            try (Client client = Client.builder().endpoints(endpoint).build()) {
                StatusResponse status = client.getMaintenanceClient().statusMember(endpoint).get(10, TimeUnit.SECONDS);
                if (status.getLeader() == status.getHeader().getMemberId()) {
                    return i;
                }
            } catch (Exception e) {
                throw new AssertionError("no status from " + endpoint, e);
            }
        }
        throw new AssertionError("no member of " + cluster + " says it leads");
    }

    /**
     * Sends requests again after {@code unavailable}, which may only come before the fault's window
     * closed (so a request is tried at most window / request timeout + 1 times), and counts.
     */
    private static final class Retries {

        private final String how;
        private final Duration window;
        private final Map<String, List<String>> refusals = new HashMap<>();
        private int requests;
        private long slowestMillis;
        private long faultAt;

        Retries(String how, Duration window) {
            this.how = how;
            this.window = window;
        }

        JsonNode ack(Player player, String type, String payload) {
            for (int attempt = 1; ; attempt++) {
                long sent = System.nanoTime();
                JsonNode reply = player.request(type, payload);
                long took = Duration.ofNanos(System.nanoTime() - sent).toMillis();
                slowestMillis = Math.max(slowestMillis, took);
                if (reply.path("type").asText().equals("ack")) {
                    requests++;
                    return reply.get("result");
                }
                assertThat(reply.path("error").path("code").asText()).as("%s: %s", type, reply)
                        .isEqualTo("unavailable");
                assertThat(faultAt).as("unavailable before the fault: %s", reply).isNotZero();
                long sinceFault = Duration.ofNanos(sent - faultAt).toMillis();
                refusals.computeIfAbsent(type, t -> new ArrayList<>())
                        .add("sent " + sinceFault + " ms after the fault, refused after " + took + " ms");
                assertThat(Duration.ofMillis(sinceFault))
                        .as("attempt %d of %s %s; refusals so far %s", attempt, type, payload, refusals)
                        .isLessThan(window);
            }
        }

        @Override
        public String toString() {
            return "EtcdMinorityLossIT[" + how + "]: " + requests + " requests acked, slowest " + slowestMillis
                    + " ms; unavailable answers " + refusals;
        }
    }
}
