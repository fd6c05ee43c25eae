package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.protocol.WireCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code refresh} and {@code token_expiring} on the whole pipeline, with the server's clock in the
 * test's hands: a session closes with 4001 at its token's expiry unless a new token for the same user
 * moves it, is told once per expiry shortly before, and never holds more than its two timers.
 */
class TokenRefreshTest {

    private static final String PRIVATE = "/core/game/v1/real-time/private";
    private static final long MINUTE = 60_000;

    private final EmbeddedServer server = new EmbeddedServer();
    private final List<EmbeddedClient> clients = new java.util.ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(EmbeddedClient::close);
    }

    private EmbeddedClient player(EmbeddedServer on, String token) {
        EmbeddedClient client = on.connect();
        clients.add(client);
        client.upgrade(PRIVATE, Map.of("Authorization", "Bearer " + token));
        client.awaitType("welcome");
        return client;
    }

    private static JsonNode refresh(EmbeddedClient client, String id, String token) {
        client.sendText("{\"id\":\"" + id + "\",\"type\":\"refresh\",\"payload\":{\"token\":\"" + token + "\"}}");
        return client.nextJson();
    }

    private static String expiry(String token) {
        try {
            return WireCodec.TIMESTAMP.format(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant());
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aSessionIsToldOnceShortlyBeforeItsTokenExpiresAndClosedWith4001AtTheExpiry() {
        String token = server.playerToken("alice", Duration.ofMinutes(10));
        EmbeddedClient alice = player(server, token);

        alice.advance(9 * MINUTE - 2_000); // the token's exp is in whole seconds: up to 1 s before 10 min
        assertThat(alice.remainingFrames()).as("nothing before the notice").isEmpty();
        alice.advance(2_000);
        JsonNode notice = alice.nextJson();
        assertThat(notice.path("type").asText()).isEqualTo("token_expiring");
        assertThat(notice.path("expiresAt").asText()).isEqualTo(expiry(token));
        assertThat(notice.size()).as("type and expiresAt only").isEqualTo(2);

        alice.advance(MINUTE - 2_000);
        assertThat(alice.isOpen()).isTrue();
        assertThat(alice.remainingFrames()).as("told once").isEmpty();
        alice.advance(2_000);
        assertThat(alice.closeCode()).isEqualTo(4001);
    }

    @Test
    void aRefreshForTheSameUserMovesTheExpiryToTheNewTokensAndTheNoticeWithIt() {
        String first = server.playerToken("alice", Duration.ofMinutes(10));
        EmbeddedClient alice = player(server, first);
        alice.advance(8 * MINUTE);

        String second = server.playerToken("alice", Duration.ofHours(1));
        JsonNode ack = refresh(alice, "r1", second);
        assertThat(ack.path("type").asText()).isEqualTo("ack");
        assertThat(ack.path("result").path("expiresAt").asText()).isEqualTo(expiry(second));

        alice.advance(5 * MINUTE); // past the first token's exp
        assertThat(alice.isOpen()).as("no 4001 at the old expiry").isTrue();
        assertThat(alice.ping("p1").path("type").asText()).isEqualTo("ack");
        assertThat(alice.remainingFrames()).as("no notice for the old expiry").isEmpty();

        alice.advance(54 * MINUTE); // the new token's notice: 59 min after the refresh, 60 s before its exp
        assertThat(alice.nextJson().path("expiresAt").asText()).isEqualTo(expiry(second));
        alice.advance(2 * MINUTE);
        assertThat(alice.closeCode()).isEqualTo(4001);
    }

    @Test
    void aRefreshAfterTheNoticeReArmsItForTheNewExpiryButTheSameExpiryIsNeverAnnouncedTwice() {
        String first = server.playerToken("alice", Duration.ofMinutes(10));
        EmbeddedClient alice = player(server, first);
        alice.advance(9 * MINUTE + 1_000);
        assertThat(alice.nextJson().path("expiresAt").asText()).isEqualTo(expiry(first));

        assertThat(refresh(alice, "r1", first).path("type").asText()).as("the same token again").isEqualTo("ack");
        alice.advance(10_000);
        assertThat(alice.remainingFrames()).as("that expiry was announced already").isEmpty();

        String second = server.playerToken("alice", Duration.ofMinutes(30));
        assertThat(refresh(alice, "r2", second).path("type").asText()).isEqualTo("ack");
        alice.advance(29 * MINUTE);
        JsonNode notice = alice.nextJson();
        assertThat(notice.path("type").asText()).isEqualTo("token_expiring");
        assertThat(notice.path("expiresAt").asText()).isEqualTo(expiry(second));
    }

    @Test
    void aTokenOfAnotherUserIsForbiddenAndTheSessionKeepsItsExpiry() {
        EmbeddedClient alice = player(server, server.playerToken("alice", Duration.ofMinutes(10)));

        JsonNode reply = refresh(alice, "r1", server.playerToken("mallory", Duration.ofHours(1)));

        assertThat(reply.path("type").asText()).isEqualTo("error");
        assertThat(reply.path("error").path("code").asText()).isEqualTo("forbidden");
        assertThat(reply.path("error").path("message").asText()).isEqualTo("the token is for another user");
        alice.advance(10 * MINUTE);
        assertThat(alice.closeCode()).isEqualTo(4001);
    }

    @Test
    void aBadTokenIsUnauthorizedAndTheSessionKeepsItsExpiry() {
        EmbeddedClient alice = player(server, server.playerToken("alice", Duration.ofMinutes(10)));

        for (String bad : List.of(server.foreignToken("alice"), server.expiredPlayerToken("alice"), "not-a-jwt", "")) {
            JsonNode reply = refresh(alice, "r-" + bad.length(), bad);
            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("error").path("code").asText()).as(bad).isEqualTo("unauthorized");
        }
        alice.sendText("{\"id\":\"r-none\",\"type\":\"refresh\",\"payload\":{}}");
        assertThat(alice.nextJson().path("error").path("code").asText()).isEqualTo("invalid_payload");

        alice.advance(10 * MINUTE);
        assertThat(alice.closeCode()).isEqualTo(4001);
    }

    @Test
    void aGuestHasNoTokenToRefresh() {
        EmbeddedClient guest = server.guest();
        clients.add(guest);

        JsonNode reply = refresh(guest, "r1", server.playerToken("alice", Duration.ofHours(1)));

        assertThat(reply.path("error").path("code").asText()).isEqualTo("forbidden");
        assertThat(reply.path("error").path("message").asText())
                .isEqualTo("guests hold no expiring token; reconnect with the guestToken of welcome to keep the id");
        assertThat(server.sessionTimers()).as("a guest's session has no expiry timers").isZero();
    }

    @Test
    void refreshesReplaceTheTimersInsteadOfAddingAndAClosedSessionHoldsNone() {
        EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().messagesPerSecond(100_000, 5));
        EmbeddedClient alice = player(server, server.playerToken("alice", Duration.ofMinutes(10)));
        EmbeddedClient bob = player(server, server.playerToken("bob", Duration.ofMinutes(10)));
        assertThat(server.sessionTimers()).as("a close timer and a notice timer each").isEqualTo(4);

        for (int i = 0; i < 100; i++) {
            assertThat(refresh(alice, "r" + i, server.playerToken("alice", Duration.ofMinutes(20 + i)))
                    .path("type").asText()).isEqualTo("ack");
        }
        assertThat(server.sessionTimers()).isEqualTo(4);

        alice.close();
        assertThat(server.sessionTimers()).as("alice's timers went with her socket").isEqualTo(2);
        bob.advance(9 * MINUTE + 1_000);
        bob.nextJson(); // the notice fired: its timer is done
        assertThat(server.sessionTimers()).isEqualTo(1);
        bob.advance(MINUTE);
        assertThat(bob.closeCode()).isEqualTo(4001);
        assertThat(server.sessionTimers()).isZero();
    }

    @Test
    void aTokenWithLessLeftThanTheNoticeIsAnnouncedRightAfterWelcomeAndANoticeOfZeroNeverIs() {
        EmbeddedClient alice = player(server, server.playerToken("alice", Duration.ofSeconds(30)));
        alice.advance(0);
        assertThat(alice.nextJson().path("type").asText()).isEqualTo("token_expiring");

        EmbeddedServer quiet = new EmbeddedServer(EmbeddedServer.Settings.defaults().expiryNotice(Duration.ZERO));
        EmbeddedClient bob = player(quiet, quiet.playerToken("bob", Duration.ofSeconds(30)));
        // Tokens count whole seconds on the real clock: a second of slack either side of the expiry.
        bob.advance(28_000);
        assertThat(bob.remainingFrames()).isEmpty();
        assertThat(quiet.sessionTimers()).as("only the close timer").isEqualTo(1);
        bob.advance(2_000);
        assertThat(bob.closeCode()).isEqualTo(4001);
    }
}
