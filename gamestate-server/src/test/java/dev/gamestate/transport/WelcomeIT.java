package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WelcomeIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static TestNode node;

    @BeforeAll
    static void startNode() {
        node = TestNode.start(ETCD.endpointsCsv());
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @Test
    void guestGetsWelcomeThenPingIsAcked() {
        try (WsClient guest = WsClient.connect(node.publicWs(), java.util.Map.of())) {
            JsonNode welcome = guest.awaitType("welcome").get("payload");
            assertThat(welcome.get("namespace").asText()).isEqualTo("guest");
            assertThat(welcome.get("userId").asText()).startsWith("guest-");
            assertThat(welcome.get("guestToken").asText()).isNotBlank();
            JsonNode result = guest.ack("ping", "{}");
            assertThat(result.get("serverTime").asText()).endsWith("Z");
        }
    }

    @Test
    void playerGetsWelcomeInPrivateNamespace() {
        try (WsClient player = node.player("alice")) {
            assertThat(player.ack("ping", "{}").has("serverTime")).isTrue();
        }
    }
}
