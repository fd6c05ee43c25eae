package dev.gamestate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuestTokensTest {

    private static final Instant NOW = Instant.parse("2021-03-04T05:06:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration TTL = Duration.ofDays(30);
    private static final Secret SECRET = new Secret("guest-secret-0123456789abcdef-0123456789abcdef");
    private static final Secret OTHER_SECRET = new Secret("other-guest-secret-0123456789abcdef-0123456789");

    private final GuestTokens guests = guestTokens(SECRET, CLOCK);

    @Test
    void newGuestIdIsGuestDashAnd16LowercaseHexDigits() {
        assertThat(guests.newGuestId()).matches("guest-[0-9a-f]{16}");
    }

    @Test
    void newGuestIdsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(guests.newGuestId());
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void issuedTokenVerifiesToItsGuestId() {
        String id = guests.newGuestId();

        assertThat(guests.verify(guests.issue(id))).contains(id);
    }

    @Test
    void tokenVerifiesOnAnotherNodeWithTheSameSecret() {
        String id = guests.newGuestId();

        assertThat(guestTokens(SECRET, CLOCK).verify(guests.issue(id))).contains(id);
    }

    @Test
    void tokenStaysValidUntilItsTtlEnds() {
        String token = guests.issue("guest-0011223344556677");

        assertThat(guestTokens(SECRET, Clock.offset(CLOCK, TTL)).verify(token)).contains("guest-0011223344556677");
    }

    @Test
    void refusesExpiredToken() {
        String token = guests.issue("guest-0011223344556677");

        assertThat(guestTokens(SECRET, Clock.offset(CLOCK, TTL.plusSeconds(1))).verify(token)).isEmpty();
    }

    @Test
    void refusesTokenWithTamperedPayload() {
        String[] mine = guests.issue("guest-0011223344556677").split("\\.");
        String theirs = guestTokens(OTHER_SECRET, CLOCK).issue("guest-8899aabbccddeeff").split("\\.")[1];

        assertThat(guests.verify(mine[0] + "." + theirs + "." + mine[2])).isEmpty();
    }

    @Test
    void refusesTokenSignedWithAnotherSecret() {
        String forged = guestTokens(OTHER_SECRET, CLOCK).issue("guest-0011223344556677");

        assertThat(guests.verify(forged)).isEmpty();
    }

    @Test
    void refusesPlayerJwtEvenWhenSignedWithTheGuestSecret() {
        String player = DevTokens.mint(SECRET, "guest-0011223344556677", Duration.ofHours(1), CLOCK);

        assertThat(guests.verify(player)).isEmpty();
    }

    @Test
    void refusesTokenWithGuestClaimButWithoutGuestType() {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                validClaims("guest-0011223344556677").build());

        assertThat(guests.verify(token)).isEmpty();
    }

    @Test
    void refusesTokenWithGuestTypeButWithoutGuestClaim() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("guest-0011223344556677").build())
                .claim("ns", "private").build();

        assertThat(guests.verify(sign(guestHeader(), claims))).isEmpty();
    }

    @Test
    void refusesTokenWithoutExp() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("guest-0011223344556677").claim("ns", "guest").build();

        assertThat(guests.verify(sign(guestHeader(), claims))).isEmpty();
    }

    @Test
    void refusesTokenWhoseSubjectIsNotAGuestId() {
        assertThat(guests.verify(sign(guestHeader(), validClaims("alice").build()))).isEmpty();
    }

    @Test
    void refusesGarbage() {
        for (String garbage : List.of("", "abc", "a.b.c", "....", "x".repeat(9000))) {
            assertThat(guests.verify(garbage)).as(garbage.length() > 20 ? "long garbage" : garbage).isEmpty();
        }
    }

    @Test
    void refusesToIssueForSomethingThatIsNotAGuestId() {
        assertThatThrownBy(() -> guests.issue("alice")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSecretShorterThan32Bytes() {
        assertThatThrownBy(() -> guestTokens(new Secret("short"), CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.guest.tokenSecret");
    }

    private static GuestTokens guestTokens(Secret secret, Clock clock) {
        return new GuestTokens(new GameConfig.Guest(secret, TTL), clock);
    }

    private static JWSHeader guestHeader() {
        return new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("gamestate-guest+jwt")).build();
    }

    private static JWTClaimsSet.Builder validClaims(String subject) {
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("ns", "guest")
                .issueTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plusSeconds(60)));
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new MACSigner(SECRET.bytes()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
