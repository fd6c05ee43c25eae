package dev.gamestate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.Names;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Guest ids and the signed tokens that let a guest keep its id across reconnects.
 *
 * <p>A guest token is an HS256 JWT signed with the guest secret, with header {@code typ:
 * gamestate-guest+jwt} and claims {@code sub} (the guest id), {@code ns: "guest"}, {@code iat} and
 * {@code exp}. Both marks are required, so a player JWT never passes as a guest token, even under the
 * same secret.
 */
public final class GuestTokens {

    private static final String CONFIG_KEY = "auth.guest.tokenSecret";
    private static final Pattern GUEST_ID = Pattern.compile("guest-[A-Za-z0-9_-]{1,64}");
    private static final int RANDOM_ID_BYTES = 8;

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Duration tokenTtl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * Guest tokens signed with {@code config.tokenSecret()} and valid for {@code config.tokenTtl()}.
     *
     * @throws ConfigException when the secret is shorter than 32 bytes or the ttl is not positive
     */
    public GuestTokens(GameConfig.Guest config, Clock clock) {
        Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (config.tokenTtl().isNegative() || config.tokenTtl().isZero()) {
            throw new ConfigException("auth.guest.tokenTtl", "must be positive");
        }
        this.tokenTtl = config.tokenTtl();
        try {
            this.signer = new MACSigner(config.tokenSecret().bytes());
            this.verifier = new MACVerifier(config.tokenSecret().bytes());
        } catch (JOSEException e) {
            throw new ConfigException(CONFIG_KEY, "must be at least 32 bytes");
        }
    }

    /** A fresh guest id: {@code guest-} and 16 lowercase hex digits from a {@link SecureRandom}. */
    public String newGuestId() {
        byte[] bytes = new byte[RANDOM_ID_BYTES];
        random.nextBytes(bytes);
        return "guest-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * A token that proves {@code guestId} until now plus the configured ttl.
     *
     * @throws IllegalArgumentException when {@code guestId} is not a guest id
     */
    public String issue(String guestId) {
        if (guestId == null || !GUEST_ID.matcher(guestId).matches()) {
            throw new IllegalArgumentException("not a guest id");
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(guestId)
                .claim(TokenFormat.NAMESPACE_CLAIM, TokenFormat.GUEST_NAMESPACE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(tokenTtl)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(TokenFormat.GUEST_TYPE).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a guest token failed", e);
        }
        return jwt.serialize();
    }

    /**
     * The guest id {@code token} proves, or empty when the token is forged, expired, of another kind
     * or not a token at all.
     */
    public Optional<String> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > TokenFormat.MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())
                    || !TokenFormat.GUEST_TYPE.equals(header.getType())
                    || !verifier.verify(header, jwt.getSigningInput(), jwt.getSignature())) {
                return Optional.empty();
            }
            return guestId(jwt.getJWTClaimsSet());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<String> guestId(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        String sub = claims.getSubject();
        boolean valid = TokenFormat.GUEST_NAMESPACE.equals(claims.getClaim(TokenFormat.NAMESPACE_CLAIM))
                && exp != null
                && !clock.instant().isAfter(exp.toInstant())
                && sub != null
                && GUEST_ID.matcher(sub).matches()
                && Names.isValidUserId(sub);
        return valid ? Optional.of(sub) : Optional.empty();
    }
}
