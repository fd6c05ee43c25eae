package dev.gamestate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Player tokens for development and tests, as {@code ./gamestate token USER [TTL]} prints them: HS256
 * JWTs signed with the configured shared secret, which {@link PlayerTokenVerifier} accepts.
 */
public final class DevTokens {

    private DevTokens() {
    }

    /**
     * An HS256 JWT for {@code userId}, valid from now for {@code ttl}, that a verifier of
     * {@code config} accepts: signed with its {@code hmacSecret}, carrying its {@code iss} and
     * {@code aud} when it checks them.
     *
     * @throws IllegalArgumentException when {@code config} has no {@code hmacSecret}, or as
     *                                  {@link #mint(Secret, String, Duration, Clock)} does
     */
    public static String mint(GameConfig.Jwt config, String userId, Duration ttl, Clock clock) {
        return mint(config, userId, ttl, List.of(), clock);
    }

    /**
     * Like {@link #mint(GameConfig.Jwt, String, Duration, Clock)}, with a {@code rooms} claim naming
     * {@code rooms} (none when empty): the rooms whose {@code subscribe: claim} policy lets the player in.
     */
    public static String mint(GameConfig.Jwt config, String userId, Duration ttl, List<String> rooms, Clock clock) {
        Secret secret = config.hmacSecret().orElseThrow(() ->
                new IllegalArgumentException("auth.jwt.hmacSecret is not set: no token can be minted"));
        return mint(secret, userId, ttl, config.issuer(), config.audience(), rooms, clock);
    }

    /**
     * An HS256 JWT for {@code userId}, valid from now for {@code ttl}, with no {@code iss} or
     * {@code aud}.
     *
     * @throws IllegalArgumentException when the user id is empty or too long, the ttl is not positive,
     *                                  or the secret is shorter than 32 bytes
     */
    public static String mint(Secret hmacSecret, String userId, Duration ttl, Clock clock) {
        return mint(hmacSecret, userId, ttl, Optional.empty(), Optional.empty(), List.of(), clock);
    }

    // The claims a configuration may ask for, present or not: Optional only here, where the two
    // public forms meet.
    private static String mint(Secret hmacSecret, String userId, Duration ttl, Optional<String> issuer,
            Optional<String> audience, List<String> rooms, Clock clock) {
        Objects.requireNonNull(hmacSecret, "hmacSecret");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clock, "clock");
        if (userId.isEmpty() || userId.length() > TokenFormat.MAX_SUBJECT_CHARS) {
            throw new IllegalArgumentException("user id must be 1 to " + TokenFormat.MAX_SUBJECT_CHARS + " characters");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (!rooms.isEmpty()) {
            claims.claim(TokenFormat.ROOMS_CLAIM, List.copyOf(rooms));
        }
        issuer.ifPresent(claims::issuer);
        audience.ifPresent(claims::audience);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(new MACSigner(hmacSecret.bytes()));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the HMAC secret must be at least 32 bytes");
        }
        return jwt.serialize();
    }
}
