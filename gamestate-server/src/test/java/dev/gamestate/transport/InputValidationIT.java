package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input is validated, not coerced: user ids follow one rule wherever they come in (token {@code sub},
 * direct-message {@code to}, admin paths), and a JSON value of the wrong type is {@code invalid_payload}
 * instead of being converted. Every bad input travels over a real socket.
 */
class InputValidationIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String ADMIN_KEY = "admin-key-for-input-validation-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestNode node;
    static WsClient alice;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_ADMIN_API_KEYS", ADMIN_KEY);
        node = TestNode.start(env);
        alice = node.player("alice");
    }

    @AfterAll
    static void stopNode() {
        if (alice != null) {
            alice.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aTokenWhoseSubIsANumberIsRefused() throws Exception {
        assertRefused(token(42));
        assertRefused(token(42.0));
        assertRefused(token(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice\u200b", "bob\u202e", "\u2066carol", "dave\u00a0", "eve\n", "mallory x"})
    void aTokenWhoseSubHidesCharactersIsRefused(String sub) throws Exception {
        assertRefused(token(sub));
    }

    @Test
    void aTokenWithAPlainSubIsAccepted() throws Exception {
        try (WsClient ok = WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + token("zoë")))) {
            assertThat(ok.awaitType("welcome").path("payload").path("userId").asText()).isEqualTo("zoë");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"room\":7}",
        "{\"room\":true}",
        "{\"room\":\"lobby\",\"since\":1.5}",
        "{\"room\":\"lobby\",\"since\":\"3\"}",
        "{\"room\":\"lobby\",\"since\":true}"})
    void subscribeWithAValueOfTheWrongTypeIsInvalid(String payload) {
        assertInvalid("subscribe", payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"to\":\"bob\\nx\",\"text\":\"hi\"}",
        "{\"to\":\"bob\\u200b\",\"text\":\"hi\"}",
        "{\"to\":\"bob\\u202e\",\"text\":\"hi\"}",
        "{\"to\":\"\",\"text\":\"hi\"}",
        "{\"to\":42,\"text\":\"hi\"}",
        "{\"to\":\"bob\",\"text\":42}"})
    void aDirectMessageToABadUserIdOrWithAWrongTypeIsInvalid(String payload) {
        assertInvalid("core.game.state.send_message", payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"goodId\":\"potion\",\"quantity\":1.5,\"requestId\":\"q-1\"}",
        "{\"goodId\":\"potion\",\"quantity\":\"2\",\"requestId\":\"q-2\"}",
        "{\"goodId\":\"potion\",\"requestId\":7}"})
    void aPurchaseWithAValueOfTheWrongTypeIsInvalid(String payload) {
        assertInvalid("core.game.state.buy_good", payload);
    }

    @Test
    void theAdminApiHoldsPathsAndBodiesToTheSameRules() throws Exception {
        String credit = "{\"currency\":\"gold\",\"amount\":5,\"requestId\":\"adm-1\"}";
        assertThat(admin("POST", "wallets/bob%0Ax/credit", credit).path("error").path("code").asText())
                .isEqualTo("invalid_payload");
        assertThat(admin("POST", "wallets/bob%E2%80%8B/credit", credit).path("error").path("code").asText())
                .isEqualTo("invalid_payload");
        assertThat(admin("POST", "wallets/bob/credit", "{\"currency\":\"gold\",\"amount\":\"5\",\"requestId\":\"a\"}")
                .path("error").path("code").asText()).isEqualTo("invalid_payload");
        assertThat(admin("POST", "wallets/bob/credit", "{\"currency\":\"gold\",\"amount\":5.5,\"requestId\":\"a\"}")
                .path("error").path("code").asText()).isEqualTo("invalid_payload");
        assertThat(admin("POST", "messages", "{\"namespace\":\"private\",\"to\":\"bob\\u2028\",\"text\":\"hi\"}")
                .path("error").path("code").asText()).isEqualTo("invalid_payload");
        assertThat(admin("POST", "wallets/bob/credit", credit).path("replayed").asBoolean()).isFalse();
    }

    private static void assertInvalid(String type, String payload) {
        JsonNode reply = alice.request(type, payload);
        assertThat(reply.path("type").asText()).as("%s %s -> %s", type, payload, reply).isEqualTo("error");
        assertThat(reply.path("error").path("code").asText()).as("%s", reply).isEqualTo("invalid_payload");
    }

    private static void assertRefused(String token) {
        assertThatThrownBy(() -> WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + token)))
                .isInstanceOfSatisfying(WsClient.HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    /** A valid HS256 player token whose {@code sub} is {@code sub} as given, of whatever JSON type. */
    private static String token(Object sub) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim("sub", sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(TestNode.JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JsonNode admin(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.http("/core/game/v1/admin/") + path))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        }
    }
}
