package dev.gamestate.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gamestate.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The RS256 and ES256 public keys of a JWKS file, read once at start-up, each paired with the one
 * algorithm it may verify. Symmetric ({@code oct}) keys are ignored on purpose: HS256 uses only the
 * configured shared secret, so a public key can never double as an HMAC secret.
 */
final class JwksKeys {

    private static final String CONFIG_KEY = "auth.jwt.jwksFile";
    private static final int MIN_RSA_BITS = 2048;
    /** JWKS files are a few KiB; a huge one is a misconfiguration, not a key set. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private final List<VerificationKey> keys;

    private JwksKeys(List<VerificationKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Reads the public keys of {@code file}; throws {@link ConfigException} when it holds none usable. */
    static JwksKeys load(Path file) {
        JWKSet set = parse(file);
        List<VerificationKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            usable(jwk).ifPresent(keys::add);
        }
        if (keys.isEmpty()) {
            throw new ConfigException(CONFIG_KEY,
                    file + " holds no usable key (RSA of at least " + MIN_RSA_BITS + " bits for RS256, or EC P-256 for ES256)");
        }
        return new JwksKeys(keys);
    }

    /** The algorithms some key of this set can verify. */
    Set<JWSAlgorithm> algorithms() {
        return keys.stream().map(VerificationKey::algorithm).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The verifiers that may check a token with {@code header}: the keys for its algorithm, narrowed to
     * the one named by {@code kid} when the header has one.
     */
    List<JWSVerifier> candidates(JWSHeader header) {
        Optional<String> kid = Optional.ofNullable(header.getKeyID());
        return keys.stream()
                .filter(k -> k.algorithm().equals(header.getAlgorithm()))
                .filter(k -> kid.isEmpty() || k.keyId().equals(kid))
                .map(VerificationKey::verifier)
                .toList();
    }

    private static JWKSet parse(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(CONFIG_KEY, file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return JWKSet.parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(CONFIG_KEY, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (ParseException e) {
            // The parser's message may quote the file, and a careless file may hold private keys.
            throw new ConfigException(CONFIG_KEY, file + " is not a JWK set (a JSON object with a \"keys\" array)");
        }
    }

    private static Optional<VerificationKey> usable(JWK jwk) {
        if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        try {
            if (jwk instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS && declares(jwk, JWSAlgorithm.RS256)) {
                // Only the public half is kept, even when the file holds a private key.
                RSAKey pub = rsa.toPublicJWK();
                return Optional.of(new VerificationKey(JWSAlgorithm.RS256, keyId(jwk), new RSASSAVerifier(pub)));
            }
            if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && declares(jwk, JWSAlgorithm.ES256)) {
                ECKey pub = ec.toPublicJWK();
                return Optional.of(new VerificationKey(JWSAlgorithm.ES256, keyId(jwk), new ECDSAVerifier(pub)));
            }
        } catch (JOSEException e) {
            throw new ConfigException(CONFIG_KEY, "key " + keyId(jwk).orElse("(no kid)") + " is unusable: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** A key that names an algorithm may only be used for that one. */
    private static boolean declares(JWK jwk, JWSAlgorithm algorithm) {
        return jwk.getAlgorithm() == null || jwk.getAlgorithm().equals(algorithm);
    }

    private static Optional<String> keyId(JWK jwk) {
        return Optional.ofNullable(jwk.getKeyID());
    }

    /** One public key and the single algorithm it verifies. */
    private record VerificationKey(JWSAlgorithm algorithm, Optional<String> keyId, JWSVerifier verifier) {
    }
}
