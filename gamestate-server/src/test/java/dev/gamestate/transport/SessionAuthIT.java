package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.auth.GuestTokens;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a session learns when it opens ({@code welcome}), how guests keep their id, and token expiry. */
class SessionAuthIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String NODE_ID = "edge-7";

    static TestNode node;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_NODE_ID", NODE_ID);
        env.put("GAMESTATE_LIMITS_MESSAGES_PER_SECOND", "40");
        env.put("GAMESTATE_LIMITS_MAX_FRAME_BYTES", "32768");
        env.put("GAMESTATE_MESSAGING_MAX_TEXT_LENGTH", "500");
        node = TestNode.start(env);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aPlayersFirstFrameIsAWelcomeNamingTheSessionUserNamespaceNodeTimeAndLimits() {
        try (WsClient player = WsClient.connect(node.privateWs(),
                Map.of("Authorization", "Bearer " + node.token("alice")))) {
            JsonNode first = player.poll(WsClient.WAIT);

            assertThat(first).isNotNull();
            assertThat(first.path("type").asText()).isEqualTo("welcome");
            JsonNode welcome = first.path("payload");
            assertThat(welcome.path("sessionId").asText()).isNotBlank();
            assertThat(welcome.path("userId").asText()).isEqualTo("alice");
            assertThat(welcome.path("namespace").asText()).isEqualTo("private");
            assertThat(welcome.path("node").asText()).isEqualTo(NODE_ID);
            assertThat(Instant.parse(welcome.path("serverTime").asText()))
                    .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
            assertThat(welcome.has("guestToken")).as("players get no guest token").isFalse();
            JsonNode limits = welcome.path("limits");
            assertThat(limits.path("maxFrameBytes").asInt()).isEqualTo(32768);
            assertThat(limits.path("messagesPerSecond").asInt()).isEqualTo(40);
            assertThat(limits.path("maxTextLength").asInt()).isEqualTo(500);
            assertThat(limits.path("outboundBufferBytes").asInt()).isPositive();
            assertThat(limits.path("maxStateBytes").asInt()).isPositive();
            assertThat(limits.path("maxEventBytes").asInt()).isEqualTo(16384);
        }
    }

    @Test
    void aGuestsWelcomeCarriesAGuestIdAndAGuestToken() {
        try (WsClient guest = WsClient.connect(node.publicWs(), Map.of())) {
            JsonNode first = guest.poll(WsClient.WAIT);

            assertThat(first.path("type").asText()).isEqualTo("welcome");
            JsonNode welcome = first.path("payload");
            assertThat(welcome.path("userId").asText()).matches("guest-[0-9a-f]{16}");
            assertThat(welcome.path("namespace").asText()).isEqualTo("guest");
            assertThat(welcome.path("node").asText()).isEqualTo(NODE_ID);
            assertThat(welcome.path("guestToken").asText()).isNotBlank();
            assertThat(welcome.path("sessionId").asText()).isNotBlank();
            assertThat(welcome.path("limits").isObject()).isTrue();
        }
    }

    @Test
    void everyConnectionGetsItsOwnSessionIdAndEveryNewGuestItsOwnId() {
        try (WsClient a = WsClient.connect(node.publicWs(), Map.of());
             WsClient b = WsClient.connect(node.publicWs(), Map.of())) {
            JsonNode first = a.awaitType("welcome").path("payload");
            JsonNode second = b.awaitType("welcome").path("payload");
            assertThat(first.path("sessionId").asText()).isNotEqualTo(second.path("sessionId").asText());
            assertThat(first.path("userId").asText()).isNotEqualTo(second.path("userId").asText());
        }
    }

    @Test
    void aGuestReconnectingWithItsGuestTokenKeepsItsGuestId() {
        String guestId;
        String token;
        try (WsClient first = WsClient.connect(node.publicWs(), Map.of())) {
            JsonNode welcome = first.awaitType("welcome").path("payload");
            guestId = welcome.path("userId").asText();
            token = welcome.path("guestToken").asText();
        }

        try (WsClient again = WsClient.connect(node.ws("/core/game/v1/real-time/public?guest_token=" + token),
                Map.of())) {
            JsonNode welcome = again.awaitType("welcome").path("payload");
            assertThat(welcome.path("userId").asText()).isEqualTo(guestId);
            assertThat(welcome.path("guestToken").asText()).as("a fresh token for the same id").isNotBlank();
        }
    }

    @Test
    void aTamperedGuestTokenGetsANewGuestIdInsteadOfAnError() {
        String guestId;
        String token;
        try (WsClient first = WsClient.connect(node.publicWs(), Map.of())) {
            JsonNode welcome = first.awaitType("welcome").path("payload");
            guestId = welcome.path("userId").asText();
            token = welcome.path("guestToken").asText();
        }
        // Change one character of the signature (not the last, whose low bits base64url may ignore).
        int at = token.length() - 2;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

        assertThat(guestIdWith(tampered)).startsWith("guest-").isNotEqualTo(guestId);
    }

    @Test
    void aGuestTokenSignedWithAnotherSecretGetsANewGuestId() {
        String victim = "guest-00112233445566ff";
        GuestTokens foreign = new GuestTokens(new GameConfig.Guest(
                new Secret("some-other-guest-secret-0123456789-abcdef"), Duration.ofDays(1)), Clock.systemUTC());

        assertThat(guestIdWith(foreign.issue(victim))).startsWith("guest-").isNotEqualTo(victim);
    }

    @Test
    void aPlayerJwtPresentedAsGuestTokenGetsANewGuestId() {
        assertThat(guestIdWith(node.token("alice"))).matches("guest-[0-9a-f]{16}");
    }

    @Test
    void aPlayerWhoseTokenExpiresWhileConnectedIsClosedWith4001() {
        try (WsClient player = WsClient.connect(node.privateWs(),
                Map.of("Authorization", "Bearer " + node.token("brief", Duration.ofSeconds(2))))) {
            player.awaitType("welcome");
            assertThat(player.ack("ping", "{}").has("serverTime")).as("open before expiry").isTrue();

            assertThat(player.awaitClose()).isEqualTo(4001);
        }
    }

    private static String guestIdWith(String guestToken) {
        try (WsClient guest = WsClient.connect(node.ws("/core/game/v1/real-time/public?guest_token=" + guestToken),
                Map.of())) {
            JsonNode welcome = guest.awaitType("welcome").path("payload");
            assertThat(welcome.path("namespace").asText()).isEqualTo("guest");
            return welcome.path("userId").asText();
        }
    }
}
