package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Abuse is judged over a window of time, and refusing a request costs less than serving it. */
class RateAbuseIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static TestNode node;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "10");
        env.put("GAMESTATE_LIMITS_MAX_VIOLATIONS", "20");
        node = TestNode.start(env);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aClientPacingSeveralTimesOverItsLimitIsClosedWith1008AlthoughSomeOfItsRequestsAreGranted() {
        try (WsClient client = node.player("pacer")) {
            // 40 requests a second against 10: every fourth is granted, which used to forgive the rest.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int sent = 0;
            while (!client.isClosed() && System.nanoTime() < deadline) {
                try {
                    client.send("ping", "{}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
                sent++;
                pace(Duration.ofMillis(25));
            }

            assertThat(client.awaitClose()).isEqualTo(1008);
            assertThat(client.pending()).anySatisfy(frame ->
                    assertThat(frame.path("type").asText()).isEqualTo("ack"));
            assertThat(sent).as("requests sent before the close").isLessThan(400);
        }
    }

    @Test
    void aClientJustWithinItsLimitIsNeverClosed() {
        try (WsClient client = node.player("polite")) {
            for (int i = 0; i < 25; i++) {
                assertThat(client.ack("ping", "{}").has("serverTime")).isTrue();
                pace(Duration.ofMillis(100)); // 10 a second at most
            }
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void aRefusedRequestWithItsIdFirstGetsThatIdBackAndOneWithItsIdLaterGetsNull() {
        try (WsClient client = node.player("burst")) {
            // Past the burst of 10, in one go: some of these are refused whatever the machine's pace.
            for (int i = 0; i < 12; i++) {
                client.sendText("{ \"id\" : \"first-" + i + "\", \"type\":\"ping\"}");
            }
            for (int i = 0; i < 3; i++) {
                client.sendText("{\"type\":\"ping\",\"id\":\"late-" + i + "\"}");
            }

            int refusedWithId = 0;
            int refusedWithoutId = 0;
            for (int i = 0; i < 15; i++) {
                JsonNode reply = client.await(f -> f.has("id"), "reply " + (i + 1) + " of 15");
                if (reply.path("type").asText().equals("ack")) {
                    continue;
                }
                assertThat(reply.path("error").path("code").asText()).isEqualTo("rate_limited");
                if (reply.get("id").isNull()) {
                    refusedWithoutId++;
                } else {
                    assertThat(reply.path("id").asText()).startsWith("first-");
                    refusedWithId++;
                }
            }
            assertThat(refusedWithId).as("refusals that echo a leading id").isPositive();
            assertThat(refusedWithoutId).as("refusals of frames whose id comes later").isPositive();
        }
    }

    /** Spaces a sender's frames; the test's assertions wait on conditions, never on this. */
    private static void pace(Duration gap) {
        LockSupport.parkNanos(gap.toNanos());
    }
}
