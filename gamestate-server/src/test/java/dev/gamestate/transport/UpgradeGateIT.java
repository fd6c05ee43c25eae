package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.Secret;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.HttpProbe;
import dev.gamestate.testing.RawWebSocket;
import dev.gamestate.testing.TestNode;
import dev.gamestate.testing.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the server answers before any upgrade: paths, upgrade headers, origins and player tokens. */
class UpgradeGateIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PRIVATE = "/core/game/v1/real-time/private";
    private static final String PUBLIC = "/core/game/v1/real-time/public";
    private static final String ALLOWED_ORIGIN = "https://game.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestNode node;

    @BeforeAll
    static void startNode() {
        Map<String, String> env = TestNode.baseEnv(ETCD.endpointsCsv());
        env.put("GAMESTATE_SERVER_ALLOWED_ORIGINS", ALLOWED_ORIGIN + ",https://other.example.com:8443");
        node = TestNode.start(env);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/core/game/v1/real-time/other", "/core/game/v1/real-time/private/x",
            "/core/game/v1/real-time/guest"})
    void anUnknownRealTimePathIsNotFoundWithAJsonErrorBody(String path) {
        RawWebSocket.Answer answer = RawWebSocket.upgradeAnswer(node.port(), path, Map.of());

        assertThat(answer.status()).isEqualTo(404);
        assertErrorBody(answer.body(), "not_found");
        assertThatThrownBy(() -> WsClient.connect(node.ws(path), Map.of()))
                .isInstanceOfSatisfying(WsClient.HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @ParameterizedTest
    @ValueSource(strings = {PRIVATE, PUBLIC})
    void aPlainGetOnARealTimePathIsAnsweredUpgradeRequired(String path) {
        HttpProbe.Answer answer = HttpProbe.get(node.http(path));

        assertThat(answer.status()).isEqualTo(426);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json().path("error").path("code").asText()).isNotEmpty();
        assertThat(answer.json().path("error").path("message").asText()).isNotEmpty();
    }

    @Test
    void aPathOutsideTheApiIsNotFound() {
        HttpProbe.Answer answer = HttpProbe.get(node.http("/nope"));

        assertThat(answer.status()).isEqualTo(404);
        assertErrorBody(answer.body(), "not_found");
    }

    @Test
    void aPrivateUpgradeWithoutATokenIsUnauthorized() {
        RawWebSocket.Answer answer = RawWebSocket.upgradeAnswer(node.port(), PRIVATE, Map.of());

        assertThat(answer.status()).isEqualTo(401);
        assertErrorBody(answer.body(), "unauthorized");
        assertThatThrownBy(() -> WsClient.connect(node.privateWs(), Map.of()))
                .isInstanceOfSatisfying(WsClient.HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aGarbageTokenIsUnauthorized() {
        assertUnauthorized("not.a.jwt");
        assertUnauthorized("garbage");
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = DevTokens.mint(new Secret(TestNode.JWT_SECRET), "alice", Duration.ofHours(1), twoHoursAgo);

        assertUnauthorized(expired);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsUnauthorized() {
        String forged = DevTokens.mint(new Secret("another-secret-0123456789-0123456789-abcdef"), "alice",
                Duration.ofHours(1), Clock.systemUTC());

        assertUnauthorized(forged);
    }

    @Test
    void anUnsignedTokenWithAlgNoneIsUnauthorized() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"alice\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));

        assertUnauthorized(header + "." + claims + ".");
    }

    @Test
    void aValidTokenInTheAuthorizationHeaderIsAdmitted() {
        try (WsClient player = WsClient.connect(node.privateWs(),
                Map.of("Authorization", "Bearer " + node.token("alice")))) {
            JsonNode welcome = player.awaitType("welcome").path("payload");
            assertThat(welcome.path("userId").asText()).isEqualTo("alice");
            assertThat(welcome.path("namespace").asText()).isEqualTo("private");
        }
    }

    @Test
    void aValidTokenInTheAccessTokenQueryParameterIsAdmitted() {
        try (WsClient player = WsClient.connect(node.ws(PRIVATE + "?access_token=" + node.token("bob")), Map.of())) {
            assertThat(player.awaitType("welcome").path("payload").path("userId").asText()).isEqualTo("bob");
        }
    }

    @Test
    void anOriginThatIsNotAllowedIsForbidden() {
        RawWebSocket.Answer answer = RawWebSocket.upgradeAnswer(node.port(), PUBLIC,
                Map.of("Origin", "https://evil.example.com"));

        assertThat(answer.status()).isEqualTo(403);
        assertErrorBody(answer.body(), "forbidden");
        assertThatThrownBy(() -> WsClient.connect(node.privateWs(), Map.of("Origin", "https://evil.example.com",
                "Authorization", "Bearer " + node.token("alice"))))
                .isInstanceOfSatisfying(WsClient.HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void anAllowedOriginIsAdmitted() {
        try (WsClient guest = WsClient.connect(node.publicWs(), Map.of("Origin", ALLOWED_ORIGIN))) {
            assertThat(guest.awaitType("welcome").path("payload").path("namespace").asText()).isEqualTo("guest");
        }
        try (WsClient player = WsClient.connect(node.privateWs(), Map.of("Origin", "https://other.example.com:8443",
                "Authorization", "Bearer " + node.token("carol")))) {
            assertThat(player.awaitType("welcome").path("payload").path("userId").asText()).isEqualTo("carol");
        }
    }

    @Test
    void aClientWithoutAnOriginHeaderIsAdmittedEvenWhenOriginsAreRestricted() {
        try (RawWebSocket raw = RawWebSocket.connect(node.port(), PUBLIC, Map.of())) {
            RawWebSocket.Frame first = raw.readFrame();
            assertThat(first.opcode()).isEqualTo(RawWebSocket.TEXT);
            assertThat(first.text()).contains("\"type\":\"welcome\"");
        }
    }

    @Test
    void aHeaderSectionTooLargeToReadIsRefusedWith431AndNeverUpgradesPastTheOriginCheck() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Padding", "p".repeat(9000)); // the decoder fails here, before it reads Origin
        headers.put("Origin", "https://evil.example");

        RawWebSocket.Answer answer = RawWebSocket.upgradeAnswer(node.port(),
                PRIVATE + "?access_token=" + node.token("alice"), headers);

        assertThat(answer.status()).isEqualTo(431);
        assertErrorBody(answer.body(), "bad_request");
        assertThat(answer.headers().get("connection")).isEqualToIgnoringCase("close");
    }

    @Test
    void aRequestLineTooLongToReadIsRefusedWith414() {
        RawWebSocket.Answer answer = RawWebSocket.upgradeAnswer(node.port(),
                PRIVATE + "?access_token=" + "t".repeat(10_000), Map.of());

        assertThat(answer.status()).isEqualTo(414);
        assertErrorBody(answer.body(), "bad_request");
    }

    @Test
    void aRequestTheHttpDecoderCannotReadIsRefusedWith400() {
        byte[] request = ("GET " + PUBLIC + " HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        RawWebSocket.Answer answer = RawWebSocket.rawAnswer(node.port(), request);

        assertThat(answer.status()).isEqualTo(400);
        assertErrorBody(answer.body(), "bad_request");
    }

    private static void assertUnauthorized(String token) {
        RawWebSocket.Answer byHeader = RawWebSocket.upgradeAnswer(node.port(), PRIVATE,
                Map.of("Authorization", "Bearer " + token));
        assertThat(byHeader.status()).as("Authorization header").isEqualTo(401);
        assertErrorBody(byHeader.body(), "unauthorized");

        RawWebSocket.Answer byQuery = RawWebSocket.upgradeAnswer(node.port(), PRIVATE + "?access_token=" + token,
                Map.of());
        assertThat(byQuery.status()).as("access_token parameter").isEqualTo(401);

        assertThatThrownBy(() -> WsClient.connect(node.privateWs(), Map.of("Authorization", "Bearer " + token)))
                .isInstanceOfSatisfying(WsClient.HandshakeRefused.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    private static void assertErrorBody(String body, String code) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + body, e);
        }
        assertThat(json.path("error").path("code").asText()).as(body).isEqualTo(code);
        assertThat(json.path("error").path("message").asText()).as(body).isNotEmpty();
    }
}
