package dev.gamestate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.core.Principal;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the JWT a player presents on the private endpoint and says who the player is.
 *
 * <p>The accepted algorithms are pinned by configuration: HS256 when a shared secret is set, RS256 and
 * ES256 when the JWKS file holds keys for them; everything else ({@code none}, unsigned and encrypted
 * tokens, other algorithms) is refused. {@code exp} is required, {@code nbf} is honoured, both with the
 * configured clock skew; {@code iss} and {@code aud} are checked when configured; {@code sub} is the
 * user id; {@code rooms}, when present, lists room names. Guest tokens are refused. Refusals never echo
 * the token.
 */
public final class PlayerTokenVerifier {

    private final Optional<JWSVerifier> sharedSecret;
    private final Optional<JwksKeys> publicKeys;
    private final Set<JWSAlgorithm> acceptedAlgorithms;
    private final Optional<String> issuer;
    private final Optional<String> audience;
    private final Duration clockSkew;
    private final Clock clock;

    private PlayerTokenVerifier(Optional<JWSVerifier> sharedSecret, Optional<JwksKeys> publicKeys,
            GameConfig.Jwt config, Clock clock) {
        this.sharedSecret = sharedSecret;
        this.publicKeys = publicKeys;
        Set<JWSAlgorithm> accepted = new HashSet<>();
        sharedSecret.ifPresent(s -> accepted.add(JWSAlgorithm.HS256));
        publicKeys.ifPresent(k -> accepted.addAll(k.algorithms()));
        this.acceptedAlgorithms = Set.copyOf(accepted);
        this.issuer = config.issuer();
        this.audience = config.audience();
        this.clockSkew = config.clockSkew();
        this.clock = clock;
    }

    /**
     * A verifier for {@code config}; the JWKS file, when configured, is read here and never again.
     *
     * @throws ConfigException when the secret or the JWKS file cannot be used
     */
    public static PlayerTokenVerifier create(GameConfig.Jwt config, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        if (config.clockSkew().isNegative()) {
            throw new ConfigException("auth.jwt.clockSkew", "must not be negative");
        }
        Optional<JWSVerifier> sharedSecret = config.hmacSecret().map(PlayerTokenVerifier::macVerifier);
        Optional<JwksKeys> publicKeys = config.jwksFile().map(JwksKeys::load);
        if (sharedSecret.isEmpty() && publicKeys.isEmpty()) {
            throw new ConfigException("auth.jwt", "set hmacSecret (HS256) or jwksFile (RS256/ES256)");
        }
        return new PlayerTokenVerifier(sharedSecret, publicKeys, config, clock);
    }

    /**
     * The player {@code token} identifies, with the token's expiry.
     *
     * @throws GameException with {@link ErrorCode#UNAUTHORIZED} when the token is not acceptable
     */
    public Principal verify(String token) {
        SignedJWT jwt = parseSigned(token);
        JWSHeader header = jwt.getHeader();
        if (!acceptedAlgorithms.contains(header.getAlgorithm())) {
            throw refused("token algorithm not allowed");
        }
        if (TokenFormat.GUEST_TYPE.equals(header.getType())) {
            throw refused("token is a guest token, not a player token");
        }
        requireValidSignature(jwt, verifiersFor(header));
        JWTClaimsSet claims = claims(jwt);
        if (TokenFormat.GUEST_NAMESPACE.equals(claims.getClaim(TokenFormat.NAMESPACE_CLAIM))) {
            throw refused("token is a guest token, not a player token");
        }
        Instant expiresAt = checkTimes(claims);
        checkIssuerAndAudience(claims);
        // The connection lives as long as the token is accepted: until exp plus the tolerated skew.
        return Principal.player(subject(jwt), expiresAt.plus(clockSkew), rooms(jwt));
    }

    private static JWSVerifier macVerifier(Secret secret) {
        try {
            return new MACVerifier(secret.bytes());
        } catch (JOSEException e) {
            throw new ConfigException("auth.jwt.hmacSecret", "must be at least 32 bytes");
        }
    }

    private static SignedJWT parseSigned(String token) {
        if (token == null || token.isBlank()) {
            throw refused("token missing");
        }
        if (token.length() > TokenFormat.MAX_TOKEN_CHARS) {
            throw refused("token too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException | RuntimeException e) {
            // The parser's message may quote the token, so it is not passed on.
            throw refused("token malformed");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            // A PlainJWT (alg none) or an EncryptedJWT.
            throw refused("token algorithm not allowed");
        }
        return signed;
    }

    private List<JWSVerifier> verifiersFor(JWSHeader header) {
        if (JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            return sharedSecret.stream().toList();
        }
        List<JWSVerifier> candidates = publicKeys.map(k -> k.candidates(header)).orElse(List.of());
        if (candidates.isEmpty()) {
            throw refused(header.getKeyID() == null ? "token algorithm not allowed" : "token key id unknown");
        }
        return candidates;
    }

    private static void requireValidSignature(SignedJWT jwt, List<JWSVerifier> candidates) {
        for (JWSVerifier verifier : candidates) {
            try {
                if (verifier.verify(jwt.getHeader(), jwt.getSigningInput(), jwt.getSignature())) {
                    return;
                }
            } catch (JOSEException e) {
                // A signature of the wrong shape for the key; same answer as a wrong signature.
            }
        }
        throw refused("token signature invalid");
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw refused("token claims malformed");
        }
    }

    private Instant checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refused("token missing exp");
        }
        Instant expiresAt = exp.toInstant();
        if (now.isAfter(expiresAt.plus(clockSkew))) {
            throw refused("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            throw refused("token not yet valid");
        }
        return expiresAt;
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) {
        if (issuer.isPresent() && !issuer.get().equals(claims.getIssuer())) {
            throw refused("token issuer mismatch");
        }
        if (audience.isPresent() && !claims.getAudience().contains(audience.get())) {
            throw refused("token audience mismatch");
        }
    }

    /**
     * The {@code sub} claim as the token has it: a JSON string (the JWT library would turn a number
     * into one) that is a valid user id ({@link Names#isValidUserId}).
     */
    private static String subject(SignedJWT jwt) {
        Object sub = jwt.getPayload().toJSONObject().get("sub");
        if (sub == null || "".equals(sub)) {
            throw refused("token missing sub");
        }
        if (!(sub instanceof String id)) {
            throw refused("token sub is not a string");
        }
        if (id.codePointCount(0, id.length()) > Names.MAX_USER_ID_CHARS) {
            throw refused("token sub longer than " + Names.MAX_USER_ID_CHARS + " characters");
        }
        if (!Names.isValidUserId(id)) {
            throw refused("token sub must be " + Names.userIdRule());
        }
        return id;
    }

    /**
     * The {@code rooms} claim: absent (no room), or a JSON array of room names. Anything else refuses
     * the token, so that an issuer's mistake shows at once rather than as rooms that stay shut.
     */
    private static Set<String> rooms(SignedJWT jwt) {
        Object claim = jwt.getPayload().toJSONObject().get(TokenFormat.ROOMS_CLAIM);
        if (claim == null) {
            return Set.of();
        }
        if (!(claim instanceof List<?> names)) {
            throw refused("token rooms claim must be a list of room names");
        }
        Set<String> rooms = new HashSet<>();
        for (Object name : names) {
            if (!(name instanceof String room) || !Names.isValidId(room)) {
                throw refused("token rooms claim must list room names (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$)");
            }
            rooms.add(room);
        }
        return rooms;
    }

    private static GameException refused(String reason) {
        return new GameException(ErrorCode.UNAUTHORIZED, reason);
    }
}
