package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code token_expiring} and {@code refresh} on a whole node, over a real socket and the real clock. */
class TokenRefreshIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static TestNode node;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_AUTH_JWT_EXPIRY_NOTICE", "2s");
        node = TestNode.start(env);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static WsClient player(String token) {
        WsClient client = WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + token));
        client.awaitType("welcome");
        return client;
    }

    @Test
    void aPlayerToldItsTokenIsExpiringRefreshesItAndStaysPastTheOldExpiry() {
        try (WsClient alice = player(node.token("alice", Duration.ofSeconds(4)))) {
            JsonNode notice = alice.awaitType("token_expiring");
            Instant oldExpiry = Instant.parse(notice.path("expiresAt").asText());
            assertThat(oldExpiry).isBetween(Instant.now(), Instant.now().plusSeconds(3));

            JsonNode ack = alice.ack("refresh", "{\"token\":\"" + node.token("alice", Duration.ofHours(1)) + "\"}");
            assertThat(Instant.parse(ack.path("expiresAt").asText())).isAfter(Instant.now().plusSeconds(3500));

            await().during(Duration.between(Instant.now(), oldExpiry).plusSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> !alice.isClosed());
            assertThat(alice.ack("ping", "{}").has("serverTime")).isTrue();
            assertThat(alice.pending()).as("no second notice").isEmpty();
        }
    }

    @Test
    void aTokenOfAnotherUserIsForbiddenAndTheSessionStillClosesWith4001AtItsOwnExpiry() {
        try (WsClient alice = player(node.token("alice", Duration.ofSeconds(3)))) {
            JsonNode reply = alice.request("refresh", "{\"token\":\"" + node.token("bob", Duration.ofHours(1)) + "\"}");

            assertThat(reply.path("error").path("code").asText()).isEqualTo("forbidden");
            assertThat(alice.awaitClose()).isEqualTo(4001);
        }
    }
}
