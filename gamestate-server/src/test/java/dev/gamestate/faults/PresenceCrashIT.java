package dev.gamestate.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed with SIGKILL tells nobody that its players left; its lease does: its subscriber
 * records leave etcd within the lease TTL, and the other nodes' subscribers hear that its users left
 * (those with no session elsewhere) as soon as they do.
 */
class PresenceCrashIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Etcd checks for expired leases twice a second; then one presence interval; the rest is a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final String ROOM = "crash-presence";
    private static final String SUBSCRIBE = "{\"room\":\"" + ROOM + "\"}";
    private static final String PRESENCE = "core.game.state.presence";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theUsersOfAKilledNodeLeaveTheRoomWithinTheLeaseTtlExceptThoseConnectedElsewhere() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ETCD_LEASE_TTL", LEASE_TTL.toSeconds() + "s");
        env.put("GAMESTATE_PRESENCE_INTERVAL", INTERVAL.toMillis() + "ms");
        Map<String, String> survivorEnv = new HashMap<>(env);
        survivorEnv.put("GAMESTATE_SERVER_NODE_ID", "presence-y");
        try (EtcdView etcd = new EtcdView(ETCD.newClient(), env.get("GAMESTATE_ETCD_KEY_PREFIX"));
             ChildNode doomed = ChildNode.start(env, "presence-x");
             TestNode survivor = TestNode.start(survivorEnv);
             Player alice = Player.connect(doomed.privateWs(), "alice");
             Player carol = Player.connect(doomed.privateWs(), "carol");
             Player carolElsewhere = Player.connect(survivor.privateWs(), "carol");
             Player bob = Player.connect(survivor.privateWs(), "bob")) {
            for (Player p : List.of(bob, alice, carol, carolElsewhere)) {
                p.ack("subscribe", SUBSCRIBE);
            }
            await("bob sees alice and carol").atMost(Player.WAIT).pollInterval(INTERVAL).untilAsserted(() ->
                    assertThat(bob.ack("presence", SUBSCRIBE).path("members").toString()).isEqualTo(
                            "[{\"userId\":\"alice\",\"sessions\":1},{\"userId\":\"bob\",\"sessions\":1},"
                                    + "{\"userId\":\"carol\",\"sessions\":2}]"));
            int before = bob.framesOfType(PRESENCE).size();

            long killedAt = System.nanoTime();
            doomed.crash();

            JsonNode left = bob.awaitFrame(f -> f.path("type").asText().equals(PRESENCE)
                            && f.path("payload").path("left").toString().contains("alice"),
                    LEASE_TTL.plus(INTERVAL).plus(SLACK), "alice leaving with her node").path("payload");
            Duration after = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("PresenceCrashIT: bob heard alice leave %d ms after her node was killed (TTL %s)%n",
                    after.toMillis(), LEASE_TTL);
            assertThat(left.path("left").toString()).as("carol still has a session on the survivor")
                    .isEqualTo("[\"alice\"]");
            assertThat(left.path("count").asLong()).isEqualTo(2);
            assertThat(etcd.count("subscriptions/private/" + ROOM + "/presence-x")).isZero();
            assertThat(bob.ack("presence", SUBSCRIBE).path("members").toString()).isEqualTo(
                    "[{\"userId\":\"bob\",\"sessions\":1},{\"userId\":\"carol\",\"sessions\":1}]");
            assertThat(bob.framesOfType(PRESENCE).subList(before, bob.framesOfType(PRESENCE).size()))
                    .as("one event for the whole node").hasSize(1);
        }
    }
}
