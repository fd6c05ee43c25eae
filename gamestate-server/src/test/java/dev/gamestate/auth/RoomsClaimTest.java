package dev.gamestate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A player token's {@code rooms} claim: the rooms a {@code subscribe: claim} policy lets its player into. */
class RoomsClaimTest {

    private static final Instant NOW = Instant.parse("2021-03-04T05:06:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Secret SECRET = new Secret("rooms-claim-secret-0123456789abcdef-0123456789");
    private static final GameConfig.Jwt CONFIG = new GameConfig.Jwt(Optional.of(SECRET), Optional.empty(),
            Optional.empty(), Optional.empty(), Duration.ZERO, Duration.ofSeconds(60));
    private static final PlayerTokenVerifier VERIFIER = PlayerTokenVerifier.create(CONFIG, CLOCK);

    @Test
    void theRoomsATokenNamesComeWithItsPrincipal() {
        Principal principal = VERIFIER.verify(DevTokens.mint(CONFIG, "alice", Duration.ofHours(1),
                List.of("match-1", "match-2"), CLOCK));

        assertThat(principal.rooms()).containsExactlyInAnyOrder("match-1", "match-2");
        assertThat(principal.holdsRoomClaim("match-1")).isTrue();
        assertThat(principal.holdsRoomClaim("match-3")).isFalse();
    }

    @Test
    void aTokenWithoutTheClaimNamesNoRoom() {
        Principal principal = VERIFIER.verify(DevTokens.mint(CONFIG, "alice", Duration.ofHours(1), CLOCK));

        assertThat(principal.rooms()).isEmpty();
        assertThat(principal.holdsRoomClaim("match-1")).isFalse();
    }

    @Test
    void aClaimThatIsNotAListOfRoomNamesRefusesTheToken() {
        assertRefused(token("match-1"), "token rooms claim must be a list of room names");
        assertRefused(token(List.of("match-1", 7)),
                "token rooms claim must list room names (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$)");
        assertRefused(token(List.of("match-*")),
                "token rooms claim must list room names (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$)");
    }

    @Test
    void guestsNeverHoldARoomClaim() {
        assertThat(Principal.guest("guest-1").holdsRoomClaim("match-1")).isFalse();
    }

    private static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> VERIFIER.verify(token)).isInstanceOfSatisfying(GameException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(e.getMessage()).isEqualTo(reason);
        });
    }

    private static String token(Object roomsClaim) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(3600))).claim("rooms", roomsClaim).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(SECRET.bytes()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
