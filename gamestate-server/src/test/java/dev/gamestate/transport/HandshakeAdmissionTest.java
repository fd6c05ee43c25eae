package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code server.maxPendingHandshakes} on the embedded pipeline: a connection counts from its accept
 * until its session is settled; past the bound an upgrade waits up to 3 s for a slot, then is refused
 * with 503 and {@code Retry-After}, after the path, origin and token checks.
 */
class HandshakeAdmissionTest {

    private static final String PUBLIC = "/core/game/v1/real-time/public";
    private static final long SLOT_WAIT_MS = 3000;

    private final EmbeddedServer server = new EmbeddedServer(EmbeddedServer.Settings.defaults().unsettledHandshakes(1));

    @Test
    void anUpgradeThatFindsNoSlotWithinThreeSecondsIsRefusedWith503AndRetryAfter() {
        try (EmbeddedClient opening = server.guest(); EmbeddedClient late = server.connect()) {
            assertThat(server.pendingHandshakes()).as("the first session is not settled yet").isEqualTo(1);

            late.send(EmbeddedClient.upgradeRequest(PUBLIC, Map.of()));
            assertThat(late.response()).as("it waits, unanswered").isNull();
            late.advance(SLOT_WAIT_MS - 1);
            assertThat(late.response()).isNull();
            late.advance(1);

            FullHttpResponse response = late.response();
            assertThat(response.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
            int retryAfter = response.headers().getInt(HttpHeaderNames.RETRY_AFTER);
            assertThat(retryAfter).isBetween(1, 3);
            JsonNode error = EmbeddedClient.json(response).path("error");
            assertThat(error.path("code").asText()).isEqualTo("unavailable");
            assertThat(error.path("retryAfterMs").asLong()).isEqualTo(retryAfter * 1000L);
            assertThat(late.isOpen()).isFalse();
            assertThat(opening.isOpen()).isTrue();
        }
    }

    @Test
    void anUpgradeWaitingForASlotIsAdmittedAsSoonAsAHandshakeSettles() {
        try (EmbeddedClient opening = server.guest(); EmbeddedClient late = server.connect()) {
            late.send(EmbeddedClient.upgradeRequest(PUBLIC, Map.of()));
            late.advance(SLOT_WAIT_MS / 2);
            assertThat(late.response()).isNull();

            server.settleHandshakes();

            assertThat(late.response().status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            assertThat(late.awaitType("welcome").path("payload").path("userId").asText()).startsWith("guest-");
        }
    }

    @Test
    void aBadTokenIsStillUnauthorizedWhenEveryHandshakeSlotIsTaken() {
        try (EmbeddedClient opening = server.guest(); EmbeddedClient late = server.connect()) {
            FullHttpResponse response = late.upgrade("/core/game/v1/real-time/private");

            assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
        }
    }

    @Test
    void aPlainHttpRequestGivesItsSlotBackOnceItIsRead() {
        try (EmbeddedClient plain = server.connect()) {
            assertThat(server.pendingHandshakes()).as("counted from the accept").isEqualTo(1);

            FullHttpResponse health = plain.request(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));

            assertThat(health.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(server.pendingHandshakes()).isZero();
            try (EmbeddedClient guest = server.guest()) {
                assertThat(guest.isOpen()).isTrue();
            }
        }
    }

    @Test
    void aClosedConnectionGivesItsSlotBack() {
        EmbeddedClient opening = server.guest();
        opening.channel().close();
        opening.close();

        assertThat(server.pendingHandshakes()).isZero();
    }
}
