package dev.gamestate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.config.ConfigException;
import dev.gamestate.config.GameConfig;
import dev.gamestate.config.Secret;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlayerTokenVerifierTest {

    /** Far from the real clock, so a test passes only if the verifier reads the injected one. */
    private static final Instant NOW = Instant.parse("2021-03-04T05:06:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofSeconds(30);
    /** 64 bytes, so the same secret can also sign an HS512 token. */
    private static final Secret SECRET = new Secret("player-secret-0123456789abcdef-0123456789abcdef-0123456789abcdef");
    private static final Secret OTHER_SECRET = new Secret("another-secret-0123456789abcdef-0123456789abcdef");

    private static final RSAKey RSA_1 = rsaKey("rsa-1");
    private static final RSAKey RSA_2 = rsaKey("rsa-2");
    private static final ECKey EC = ecKey("ec-1");

    @TempDir
    Path dir;

    @Test
    void acceptsHs256TokenAndReturnsItsSubjectAndExpiry() {
        Principal principal = hmacVerifier().verify(hs256(claims("alice").build()));

        assertThat(principal.userId()).isEqualTo("alice");
        assertThat(principal.namespace()).isEqualTo(Namespace.PRIVATE);
        assertThat(principal.expiresAt()).contains(NOW.plusSeconds(3600).plus(SKEW)); // the socket lives while the token is accepted
    }

    @Test
    void refusesExpiredToken() {
        String token = hs256(claims("alice").expirationTime(at(NOW.minus(SKEW).minusSeconds(1))).build());

        assertRefused(hmacVerifier(), token, "token expired");
    }

    @Test
    void acceptsTokenExpiredLessThanClockSkewAgo() {
        String token = hs256(claims("alice").expirationTime(at(NOW.minus(SKEW).plusSeconds(1))).build());

        assertThat(hmacVerifier().verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void refusesTokenWithoutExp() {
        String token = hs256(new JWTClaimsSet.Builder().subject("alice").build());

        assertRefused(hmacVerifier(), token, "token missing exp");
    }

    @Test
    void refusesTokenWhoseNotBeforeIsInTheFuture() {
        String token = hs256(claims("alice").notBeforeTime(at(NOW.plus(SKEW).plusSeconds(1))).build());

        assertRefused(hmacVerifier(), token, "token not yet valid");
    }

    @Test
    void acceptsTokenWhoseNotBeforeIsWithinClockSkew() {
        String token = hs256(claims("alice").notBeforeTime(at(NOW.plus(SKEW).minusSeconds(1))).build());

        assertThat(hmacVerifier().verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void refusesTokenSignedWithAnotherSecret() {
        String token = sign(macSigner(OTHER_SECRET.bytes()), new JWSHeader(JWSAlgorithm.HS256), claims("alice").build());

        assertRefused(hmacVerifier(), token, "token signature invalid");
    }

    @Test
    void refusesTokenWithTamperedPayload() {
        String[] good = hs256(claims("alice").build()).split("\\.");
        String otherPayload = hs256(claims("mallory").build()).split("\\.")[1];

        assertRefused(hmacVerifier(), good[0] + "." + otherPayload + "." + good[2], "token signature invalid");
    }

    @Test
    void refusesTokenSignedWithAlgNone() {
        String header = base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = base64url("{\"sub\":\"alice\",\"exp\":" + NOW.plusSeconds(3600).getEpochSecond() + "}");

        assertRefused(hmacVerifier(), header + "." + payload + ".", "token algorithm not allowed");
    }

    @Test
    void refusesAlgNoneTokenCarryingASignature() {
        String[] signed = hs256(claims("alice").build()).split("\\.");
        String header = base64url("{\"alg\":\"none\"}");

        assertThatThrownBy(() -> hmacVerifier().verify(header + "." + signed[1] + "." + signed[2]))
                .isInstanceOfSatisfying(GameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    @Test
    void refusesAlgorithmThatIsNotConfiguredEvenWithTheRightSecret() {
        String token = sign(macSigner(SECRET.bytes()), new JWSHeader(JWSAlgorithm.HS512), claims("alice").build());

        assertRefused(hmacVerifier(), token, "token algorithm not allowed");
    }

    @Test
    void refusesRs256TokenWhenNoJwksIsConfigured() {
        assertRefused(hmacVerifier(), rs256(RSA_1, claims("alice").build()), "token algorithm not allowed");
    }

    @Test
    void refusesEncryptedToken() throws JOSEException {
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), claims("alice").build());
        jwe.encrypt(new DirectEncrypter(Arrays.copyOf(SECRET.bytes(), 32)));

        assertRefused(hmacVerifier(), jwe.serialize(), "token algorithm not allowed");
    }

    @Test
    void refusesHs256TokenSignedWithTheRsaPublicKeyWhenOnlyJwksIsConfigured() throws Exception {
        String token = sign(macSigner(RSA_1.toRSAPublicKey().getEncoded()), new JWSHeader(JWSAlgorithm.HS256),
                claims("alice").build());

        assertRefused(jwksVerifier(RSA_1), token, "token algorithm not allowed");
    }

    @Test
    void refusesHs256TokenSignedWithTheRsaPublicKeyWhenHmacIsAlsoConfigured() throws Exception {
        PlayerTokenVerifier verifier = PlayerTokenVerifier.create(
                new GameConfig.Jwt(Optional.of(SECRET), Optional.of(jwksFile(RSA_1)), Optional.empty(), Optional.empty(), SKEW,
                        Duration.ofSeconds(60)), CLOCK);
        for (byte[] publicKeyBytes : List.of(RSA_1.toRSAPublicKey().getEncoded(),
                RSA_1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))) {
            String token = sign(macSigner(publicKeyBytes),
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA_1.getKeyID()).build(), claims("alice").build());

            assertRefused(verifier, token, "token signature invalid");
        }
    }

    @Test
    void acceptsRs256TokenSignedByAJwksKey() {
        Principal principal = jwksVerifier(RSA_1, EC).verify(rs256(RSA_1, claims("alice").build()));

        assertThat(principal.userId()).isEqualTo("alice");
    }

    @Test
    void acceptsEs256TokenSignedByAJwksKey() {
        Principal principal = jwksVerifier(RSA_1, EC).verify(es256(EC, claims("bob").build()));

        assertThat(principal.userId()).isEqualTo("bob");
    }

    @Test
    void refusesEs256TokenWhenJwksHoldsOnlyRsaKeys() {
        assertRefused(jwksVerifier(RSA_1), es256(EC, claims("bob").build()), "token algorithm not allowed");
    }

    @Test
    void refusesRs256TokenSignedByAKeyNotInTheJwks() {
        String withoutKid = sign(rsaSigner(RSA_2), new JWSHeader(JWSAlgorithm.RS256), claims("alice").build());

        assertRefused(jwksVerifier(RSA_1), withoutKid, "token signature invalid");
    }

    @Test
    void selectsTheJwksKeyNamedByKid() {
        PlayerTokenVerifier verifier = jwksVerifier(RSA_1, RSA_2, EC);

        assertThat(verifier.verify(rs256(RSA_2, claims("alice").build())).userId()).isEqualTo("alice");
        String signedBy2NamedAs1 = sign(rsaSigner(RSA_2), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
                claims("alice").build());
        assertRefused(verifier, signedBy2NamedAs1, "token signature invalid");
    }

    @Test
    void triesEveryKeyOfTheAlgorithmWhenTheTokenHasNoKid() {
        String token = sign(rsaSigner(RSA_2), new JWSHeader(JWSAlgorithm.RS256), claims("alice").build());

        assertThat(jwksVerifier(RSA_1, RSA_2).verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void refusesUnknownKid() {
        String token = sign(rsaSigner(RSA_1), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("nobody").build(),
                claims("alice").build());

        assertRefused(jwksVerifier(RSA_1), token, "token key id unknown");
    }

    @Test
    void refusesKidThatNamesAKeyOfAnotherType() {
        String token = sign(rsaSigner(RSA_1), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(EC.getKeyID()).build(),
                claims("alice").build());

        assertRefused(jwksVerifier(RSA_1, EC), token, "token key id unknown");
    }

    @Test
    void checksIssuerWhenConfigured() {
        PlayerTokenVerifier verifier = hmacVerifier(Optional.of("https://login.example"), Optional.empty());

        assertThat(verifier.verify(hs256(claims("alice").issuer("https://login.example").build())).userId()).isEqualTo("alice");
        assertRefused(verifier, hs256(claims("alice").issuer("https://evil.example").build()), "token issuer mismatch");
        assertRefused(verifier, hs256(claims("alice").build()), "token issuer mismatch");
    }

    @Test
    void checksAudienceWhenConfiguredAcceptingItInAList() {
        PlayerTokenVerifier verifier = hmacVerifier(Optional.empty(), Optional.of("game"));

        assertThat(verifier.verify(hs256(claims("alice").audience("game").build())).userId()).isEqualTo("alice");
        assertThat(verifier.verify(hs256(claims("alice").audience(List.of("shop", "game")).build())).userId())
                .isEqualTo("alice");
        assertRefused(verifier, hs256(claims("alice").audience(List.of("shop", "chat")).build()), "token audience mismatch");
        assertRefused(verifier, hs256(claims("alice").build()), "token audience mismatch");
    }

    @Test
    void ignoresIssuerAndAudienceWhenNotConfigured() {
        String token = hs256(claims("alice").issuer("anyone").audience("anything").build());

        assertThat(hmacVerifier().verify(token).userId()).isEqualTo("alice");
    }

    @Test
    void refusesTokenWithoutSub() {
        JWTClaimsSet noSub = new JWTClaimsSet.Builder().expirationTime(at(NOW.plusSeconds(60))).build();

        assertRefused(hmacVerifier(), hs256(noSub), "token missing sub");
        assertRefused(hmacVerifier(), hs256(claims("").build()), "token missing sub");
    }

    @Test
    void acceptsSubOf128CharactersAndRefusesLonger() {
        assertThat(hmacVerifier().verify(hs256(claims("u".repeat(128)).build())).userId()).hasSize(128);
        assertRefused(hmacVerifier(), hs256(claims("u".repeat(129)).build()), "token sub longer than 128");
    }

    @Test
    void refusesASubThatIsNotAJsonString() {
        JWTClaimsSet numeric = new JWTClaimsSet.Builder().claim("sub", 42)
                .expirationTime(at(NOW.plusSeconds(60))).build();

        assertRefused(hmacVerifier(), hs256(numeric), "token sub is not a string");
    }

    @Test
    void refusesASubWithInvisibleOrBidirectionalCharacters() {
        assertRefused(hmacVerifier(), hs256(claims("alice\u200b").build()), "token sub must be 1 to 128 characters");
        assertRefused(hmacVerifier(), hs256(claims("bob\u202e").build()), "token sub must be");
        assertRefused(hmacVerifier(), hs256(claims("carol\n").build()), "token sub must be");
    }

    @Test
    void refusesTokenLongerThan8KiBBeforeParsing() {
        String token = hs256(claims("alice").claim("padding", "x".repeat(8 * 1024)).build());

        assertRefused(hmacVerifier(), token, "token too long");
        assertRefused(hmacVerifier(), "x".repeat(8 * 1024 + 1), "token too long");
    }

    @Test
    void refusesGarbage() {
        for (String garbage : List.of("", "   ", "abc", "a.b.c", "a.b.c.d.e", "....")) {
            assertThatThrownBy(() -> hmacVerifier().verify(garbage))
                    .isInstanceOfSatisfying(GameException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        }
    }

    @Test
    void refusesGuestTokenEvenWhenGuestSecretEqualsPlayerSecret() {
        GuestTokens guests = new GuestTokens(new GameConfig.Guest(SECRET, Duration.ofDays(1)), CLOCK);

        assertRefused(hmacVerifier(), guests.issue(guests.newGuestId()), "guest token");
    }

    @Test
    void refusesPlayerLookalikeCarryingTheGuestNamespaceClaim() {
        String token = hs256(claims("guest-0011223344556677").claim("ns", "guest").build());

        assertRefused(hmacVerifier(), token, "guest token");
    }

    @Test
    void acceptsTokenMintedByDevTokens() {
        PlayerTokenVerifier verifier = hmacVerifier(Optional.of("gamestate-dev"), Optional.of("game"));
        String token = DevTokens.mint(hmacConfig(Optional.of("gamestate-dev"), Optional.of("game")), "carol",
                Duration.ofMinutes(5), CLOCK);

        Principal principal = verifier.verify(token);

        assertThat(principal.userId()).isEqualTo("carol");
        assertThat(principal.expiresAt()).contains(NOW.plus(Duration.ofMinutes(5)).plus(SKEW));
    }

    @Test
    void refusesDevTokenOnceItsTtlHasPassed() {
        String token = DevTokens.mint(SECRET, "carol", Duration.ofMinutes(5), CLOCK);
        Clock later = Clock.offset(CLOCK, Duration.ofMinutes(5).plus(SKEW).plusSeconds(1));
        PlayerTokenVerifier verifier = PlayerTokenVerifier.create(hmacConfig(Optional.empty(), Optional.empty()), later);

        assertRefused(verifier, token, "token expired");
    }

    @Test
    void createRefusesMissingJwksFile() {
        assertThatThrownBy(() -> PlayerTokenVerifier.create(jwksConfig(dir.resolve("missing.json")), CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.jwksFile");
    }

    @Test
    void createRefusesJwksFileThatIsNotJson() throws IOException {
        Path file = Files.writeString(dir.resolve("jwks.json"), "not json {");

        assertThatThrownBy(() -> PlayerTokenVerifier.create(jwksConfig(file), CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.jwksFile");
    }

    @Test
    void createRefusesJwksFileWithoutUsableKeys() throws Exception {
        OctetSequenceKey symmetric = new OctetSequenceKeyGenerator(256).keyID("oct-1").generate();
        Path file = Files.writeString(dir.resolve("jwks.json"), new JWKSet(symmetric).toString(false));

        assertThatThrownBy(() -> PlayerTokenVerifier.create(jwksConfig(file), CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.jwksFile")
                .hasMessageContaining("no usable key");
    }

    @Test
    void createRefusesHmacSecretShorterThan32Bytes() {
        assertThatThrownBy(() -> PlayerTokenVerifier.create(new GameConfig.Jwt(Optional.of(new Secret("short")),
                        Optional.empty(), Optional.empty(), Optional.empty(), SKEW, Duration.ofSeconds(60)), CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.hmacSecret")
                .hasMessageNotContaining("short");
    }

    // --- helpers

    private static void assertRefused(PlayerTokenVerifier verifier, String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(GameException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains(reason);
                    if (!token.isEmpty()) {
                        assertThat(e.getMessage()).doesNotContain(token);
                    }
                    assertThat(e.getMessage()).doesNotContain(SECRET.value());
                });
    }

    private PlayerTokenVerifier hmacVerifier() {
        return hmacVerifier(Optional.empty(), Optional.empty());
    }

    private PlayerTokenVerifier hmacVerifier(Optional<String> issuer, Optional<String> audience) {
        return PlayerTokenVerifier.create(hmacConfig(issuer, audience), CLOCK);
    }

    private static GameConfig.Jwt hmacConfig(Optional<String> issuer, Optional<String> audience) {
        return new GameConfig.Jwt(Optional.of(SECRET), Optional.empty(), issuer, audience, SKEW, Duration.ofSeconds(60));
    }

    private PlayerTokenVerifier jwksVerifier(JWK... keys) {
        return PlayerTokenVerifier.create(jwksConfig(jwksFile(keys)), CLOCK);
    }

    private static GameConfig.Jwt jwksConfig(Path file) {
        return new GameConfig.Jwt(Optional.empty(), Optional.of(file), Optional.empty(), Optional.empty(), SKEW,
                Duration.ofSeconds(60));
    }

    private Path jwksFile(JWK... keys) {
        List<JWK> publicKeys = Arrays.stream(keys).map(JWK::toPublicJWK).toList();
        try {
            return Files.writeString(dir.resolve("jwks-" + System.nanoTime() + ".json"), new JWKSet(publicKeys).toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(at(NOW))
                .expirationTime(at(NOW.plusSeconds(3600)));
    }

    private static String hs256(JWTClaimsSet claims) {
        return sign(macSigner(SECRET.bytes()), new JWSHeader(JWSAlgorithm.HS256), claims);
    }

    private static String rs256(RSAKey key, JWTClaimsSet claims) {
        return sign(rsaSigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    }

    private static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new ECDSASigner(key), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static MACSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSASSASigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Date at(Instant instant) {
        return Date.from(instant);
    }

    private static String base64url(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
