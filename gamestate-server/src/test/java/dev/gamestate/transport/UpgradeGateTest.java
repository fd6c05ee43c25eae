package dev.gamestate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gamestate.auth.DevTokens;
import dev.gamestate.config.Secret;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upgrade gate on the embedded pipeline: path, method, origin and credentials are judged before
 * any upgrade, and requests the HTTP decoder cannot read are refused whatever they carry.
 */
class UpgradeGateTest {

    private static final String PRIVATE = "/core/game/v1/real-time/private";
    private static final String PUBLIC = "/core/game/v1/real-time/public";

    private final EmbeddedServer server = new EmbeddedServer();

    @Test
    void aGuestUpgradeIsSwitchedAndWelcomedWithAGuestToken() {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.upgrade(PUBLIC);

            assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            JsonNode welcome = client.nextJson();
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("payload").path("namespace").asText()).isEqualTo("guest");
            assertThat(welcome.path("payload").path("guestToken").asText()).isNotEmpty();
            assertThat(client.ping("1").path("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void aGuestReconnectingWithItsGuestTokenKeepsItsIdAndAForgedOneGetsANewId() {
        String guestId;
        String guestToken;
        try (EmbeddedClient first = server.connect()) {
            first.upgrade(PUBLIC);
            JsonNode welcome = first.nextJson().path("payload");
            guestId = welcome.path("userId").asText();
            guestToken = welcome.path("guestToken").asText();
        }
        try (EmbeddedClient again = server.connect(); EmbeddedClient forged = server.connect()) {
            again.upgrade(PUBLIC + "?guest_token=" + guestToken);
            assertThat(again.nextJson().path("payload").path("userId").asText()).isEqualTo(guestId);

            FullHttpResponse response = forged.upgrade(PUBLIC + "?guest_token=" + guestToken + "x");
            assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            assertThat(forged.nextJson().path("payload").path("userId").asText()).startsWith("guest-")
                    .isNotEqualTo(guestId);
        }
    }

    @Test
    void aPlayerWithAValidTokenInTheAuthorizationHeaderIsAdmitted() {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.upgrade(PRIVATE,
                    Map.of("Authorization", "Bearer " + server.playerToken("alice")));

            assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            JsonNode welcome = client.nextJson().path("payload");
            assertThat(welcome.path("userId").asText()).isEqualTo("alice");
            assertThat(welcome.path("namespace").asText()).isEqualTo("private");
            assertThat(welcome.has("guestToken")).isFalse();
        }
    }

    @Test
    void aPlayerWithAValidTokenInTheAccessTokenQueryParameterIsAdmitted() {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.upgrade(PRIVATE + "?access_token=" + server.playerToken("bob"));

            assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            assertThat(client.nextJson().path("payload").path("userId").asText()).isEqualTo("bob");
        }
    }

    @Test
    void theAuthorizationHeaderWinsOverTheQueryParameter() {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.upgrade(PRIVATE + "?access_token=" + server.playerToken("bob"),
                    Map.of("Authorization", "Bearer " + server.playerToken("alice")));

            assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            assertThat(client.nextJson().path("payload").path("userId").asText()).isEqualTo("alice");
        }
    }

    @Test
    void aPrivateUpgradeWithoutATokenIsUnauthorized() {
        assertRefused(PRIVATE, Map.of(), HttpResponseStatus.UNAUTHORIZED, "unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer garbage", "Bearer ", "Basic YWxpY2U6c2VjcmV0", "alice"})
    void aMalformedAuthorizationHeaderIsUnauthorized(String authorization) {
        assertRefused(PRIVATE, Map.of("Authorization", authorization), HttpResponseStatus.UNAUTHORIZED,
                "unauthorized");
    }

    @Test
    void anExpiredTokenIsUnauthorizedInTheHeaderAndInTheQuery() {
        String expired = server.expiredPlayerToken("alice");

        assertRefused(PRIVATE, Map.of("Authorization", "Bearer " + expired), HttpResponseStatus.UNAUTHORIZED,
                "unauthorized");
        assertRefused(PRIVATE + "?access_token=" + expired, Map.of(), HttpResponseStatus.UNAUTHORIZED,
                "unauthorized");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsUnauthorized() {
        String forged = DevTokens.mint(new Secret("another-secret-0123456789abcdef-0123456789"), "alice",
                Duration.ofHours(1), Clock.systemUTC());

        assertRefused(PRIVATE, Map.of("Authorization", "Bearer " + forged), HttpResponseStatus.UNAUTHORIZED,
                "unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/core/game/v1/real-time/other", "/core/game/v1/real-time/private/x",
            "/core/game/v1/real-time/"})
    void anUnknownRealTimePathIsNotFound(String path) {
        assertRefused(path, Map.of(), HttpResponseStatus.NOT_FOUND, "not_found");
    }

    @Test
    void aPathOutsideTheApiIsNotFound() {
        assertRefused("/somewhere/else", Map.of(), HttpResponseStatus.NOT_FOUND, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {PUBLIC, PRIVATE})
    void aPlainGetOnARealTimePathIsAnsweredUpgradeRequired(String path) {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.request(
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path));

            assertThat(response.status()).isEqualTo(HttpResponseStatus.UPGRADE_REQUIRED);
            assertThat(response.headers().get(HttpHeaderNames.UPGRADE)).isEqualTo("websocket");
            assertErrorCode(response, "bad_request");
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void anUpgradeByPostIsAnsweredUpgradeRequired() {
        try (EmbeddedClient client = server.connect()) {
            DefaultFullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PUBLIC);
            post.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);

            assertThat(client.request(post).status()).isEqualTo(HttpResponseStatus.UPGRADE_REQUIRED);
        }
    }

    @Test
    void anOriginThatIsNotAllowedIsForbiddenAndAnAllowedOneOrNoneIsAdmitted() {
        EmbeddedServer restricted = new EmbeddedServer(
                EmbeddedServer.Settings.defaults().allowedOrigins("https://game.example"));
        try (EmbeddedClient foreign = restricted.connect();
             EmbeddedClient allowed = restricted.connect();
             EmbeddedClient nativeClient = restricted.connect()) {
            FullHttpResponse refused = foreign.upgrade(PUBLIC, Map.of("Origin", "https://evil.example"));
            assertThat(refused.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            assertErrorCode(refused, "forbidden");

            assertThat(allowed.upgrade(PUBLIC, Map.of("Origin", "https://game.example")).status())
                    .isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
            assertThat(nativeClient.upgrade(PUBLIC).status()).as("no Origin: a native client")
                    .isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
        }
    }

    @Test
    void aHeaderSectionTooLargeToReadIsRefusedWith431BeforeItsOriginIsChecked() {
        EmbeddedServer restricted = new EmbeddedServer(
                EmbeddedServer.Settings.defaults().allowedOrigins("https://game.example"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Padding", "p".repeat(GameServerInitializer.MAX_HEADER_BYTES + 1));
        headers.put("Origin", "https://evil.example");
        try (EmbeddedClient client = restricted.connect()) {
            FullHttpResponse response = client.upgrade(PRIVATE + "?access_token=" + server.playerToken("alice"),
                    headers);

            assertThat(response.status()).isEqualTo(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
            assertErrorCode(response, "bad_request");
            assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void aRequestLineTooLongToReadIsRefusedWith414EvenWithAValidToken() {
        String padding = "&pad=" + "p".repeat(GameServerInitializer.MAX_REQUEST_LINE);
        assertRefused(PRIVATE + "?access_token=" + server.playerToken("alice") + padding, Map.of(),
                HttpResponseStatus.REQUEST_URI_TOO_LONG, "bad_request");
    }

    @Test
    void aRequestTheHttpDecoderCannotReadIsRefusedWith400() {
        try (EmbeddedClient client = server.connect()) {
            client.sendBytes(Unpooled.copiedBuffer("GET " + PUBLIC + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: nope\r\n\r\n", StandardCharsets.ISO_8859_1));

            FullHttpResponse response = client.response();
            assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
            assertErrorCode(response, "bad_request");
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void afterTheUpgradeOnlyTheWebSocketHandlersStay() {
        try (EmbeddedClient client = server.connect()) {
            client.upgrade(PUBLIC);
            client.nextJson();

            assertThat(client.channel().pipeline().names())
                    .doesNotContain("router", "request-deadline", "http", "http-aggregator")
                    .contains("frame-gate", "session");
            assertThat(client.channel().hasAttr(Attributes.PRINCIPAL)).as("taken at the upgrade").isFalse();
        }
    }

    private void assertRefused(String uri, Map<String, String> headers, HttpResponseStatus status, String code) {
        try (EmbeddedClient client = server.connect()) {
            FullHttpResponse response = client.upgrade(uri, headers);

            assertThat(response.status()).as(uri).isEqualTo(status);
            assertErrorCode(response, code);
            assertThat(client.remainingFrames()).as("no welcome").isEmpty();
            assertThat(server.sessions()).isZero();
        }
    }

    private static void assertErrorCode(FullHttpResponse response, String code) {
        JsonNode error = EmbeddedClient.json(response).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotEmpty();
    }
}
