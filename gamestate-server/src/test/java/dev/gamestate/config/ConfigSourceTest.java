package dev.gamestate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading configuration: shipped defaults, a YAML file over them, the environment over both, validation. */
class ConfigSourceTest {

    private static final String JWT_SECRET = "jwt-secret-0123456789-0123456789-0123456789";
    private static final String GUEST_SECRET = "guest-secret-0123456789-0123456789-012345678";

    @TempDir
    Path dir;

    /** The least an operator must set: where etcd is and the two secrets. */
    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("GAMESTATE_ETCD_ENDPOINTS", "http://127.0.0.1:2379");
        env.put("GAMESTATE_AUTH_JWT_HMAC_SECRET", JWT_SECRET);
        env.put("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", GUEST_SECRET);
        return env;
    }

    private static Map<String, String> requiredWith(String name, String value) {
        Map<String, String> env = required();
        env.put(name, value);
        return env;
    }

    private static GameConfig bind(Map<String, String> env) {
        return ConfigSource.load(Optional.empty(), env).bind();
    }

    private static void assertConfigError(Map<String, String> env, String message) {
        assertThatThrownBy(() -> bind(env)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private Path file(String yaml) throws IOException {
        Path file = dir.resolve("gamestate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theShippedDefaultsLoadWithOnlyTheRequiredValuesSet() {
        GameConfig config = bind(required());

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().host()).isEqualTo("0.0.0.0");
        assertThat(config.server().allowedOrigins()).isEmpty();
        assertThat(config.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.server().nodeId()).matches("node-[0-9a-f]{8}");
        assertThat(config.etcd().keyPrefix()).isEqualTo("/gamestate/");
        assertThat(config.etcd().requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.limits().maxFrameBytes()).isEqualTo(65536);
        assertThat(config.limits().messagesPerSecond()).isEqualTo(50);
        assertThat(config.limits().maxViolations()).isEqualTo(20);
        assertThat(config.auth().guest().tokenTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(config.auth().jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.auth().jwt().issuer()).isEmpty();
        assertThat(config.economy().startingBalance()).containsEntry("gold", 1000L);
        assertThat(config.economy().catalog()).extracting(GameConfig.Good::id).contains("sword", "potion", "shield");
        assertThat(config.admin().enabled()).isFalse();
        assertThat(config.log().level()).isEqualTo("INFO");
        assertThat(config.log().format()).isEqualTo("text");
        assertThat(config.log().json()).isFalse();
    }

    @Test
    void theLogFormatComesFromTheEnvironmentLikeEveryKey() {
        Map<String, String> env = required();
        env.put("GAMESTATE_LOG_FORMAT", "json");
        assertThat(bind(env).log().json()).isTrue();
        env.put("GAMESTATE_LOG_FORMAT", "yaml");
        assertConfigError(env, "log.format: expected text or json, got 'yaml'");
    }

    @Test
    void aRoomsEventAndHistoryAreBoundedSeparatelyFromTheFrameLimit() {
        GameConfig config = bind(required());
        assertThat(config.rooms().maxEventBytes()).isEqualTo(16384);
        assertThat(config.rooms().maxHistoryBytes()).isEqualTo(1L << 20);

        Map<String, String> env = required();
        env.put("GAMESTATE_ROOMS_MAX_EVENT_BYTES", "65536");
        env.put("GAMESTATE_ROOMS_MAX_HISTORY_BYTES", "100000");
        assertConfigError(env, "rooms.maxHistoryBytes: must be at least twice rooms.maxEventBytes (65536), got 100000");
    }

    @Test
    void anEnvironmentVariableOverridesItsKey() {
        GameConfig config = bind(requiredWith("GAMESTATE_SERVER_PORT", "9000"));

        assertThat(config.server().port()).isEqualTo(9000);
    }

    @Test
    void listsComeFromTheEnvironmentCommaSeparated() {
        Map<String, String> env = required();
        env.put("GAMESTATE_ETCD_ENDPOINTS", "http://10.0.0.1:2379, http://10.0.0.2:2379,,http://10.0.0.3:2379");
        env.put("GAMESTATE_SERVER_ALLOWED_ORIGINS", "https://a.example.com,https://b.example.com:8443");

        GameConfig config = bind(env);

        assertThat(config.etcd().endpoints())
                .containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379", "http://10.0.0.3:2379");
        assertThat(config.server().allowedOrigins())
                .containsExactly("https://a.example.com", "https://b.example.com:8443");
    }

    @Test
    void theCamelCaseKeyAuthJwtHmacSecretIsSetByItsUpperSnakeCaseVariable() {
        GameConfig config = bind(required());

        assertThat(config.auth().jwt().hmacSecret()).map(Secret::value).contains(JWT_SECRET);
        assertThat(config.auth().guest().tokenSecret().value()).isEqualTo(GUEST_SECRET);
    }

    @Test
    void envNameTurnsAKeyPathIntoItsVariable() {
        assertThat(ConfigSource.envName("auth.jwt.hmacSecret")).isEqualTo("GAMESTATE_AUTH_JWT_HMAC_SECRET");
        assertThat(ConfigSource.envName("server.port")).isEqualTo("GAMESTATE_SERVER_PORT");
        assertThat(ConfigSource.envName("limits.maxFrameBytes")).isEqualTo("GAMESTATE_LIMITS_MAX_FRAME_BYTES");
    }

    @Test
    void aYamlFileLayersOverTheDefaultsAndKeepsWhatItDoesNotMention() throws IOException {
        Path file = file("""
                server:
                  port: 7001
                  allowedOrigins: [https://game.example.com]
                limits:
                  messagesPerSecond: 12
                """);

        GameConfig config = ConfigSource.load(Optional.of(file), required()).bind();

        assertThat(config.server().port()).isEqualTo(7001);
        assertThat(config.server().allowedOrigins()).containsExactly("https://game.example.com");
        assertThat(config.limits().messagesPerSecond()).isEqualTo(12);
        assertThat(config.limits().maxFrameBytes()).as("untouched default").isEqualTo(65536);
        assertThat(config.server().host()).as("untouched default").isEqualTo("0.0.0.0");
    }

    @Test
    void theEnvironmentBeatsTheFile() throws IOException {
        Path file = file("""
                server:
                  port: 7001
                limits:
                  messagesPerSecond: 12
                """);

        GameConfig config = ConfigSource.load(Optional.of(file), requiredWith("GAMESTATE_SERVER_PORT", "7002")).bind();

        assertThat(config.server().port()).isEqualTo(7002);
        assertThat(config.limits().messagesPerSecond()).isEqualTo(12);
    }

    @Test
    void theFileNamedByGamestateConfigIsLoadedWhenNoneIsGiven() throws IOException {
        Path file = file("server:\n  port: 7003\n");

        GameConfig config = bind(requiredWith("GAMESTATE_CONFIG", file.toString()));

        assertThat(config.server().port()).isEqualTo(7003);
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorNamingIt() throws IOException {
        Path file = file("""
                server:
                  prot: 7001
                """);

        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.prot: ");
    }

    @Test
    void anUnknownTopLevelSectionInTheFileIsAnErrorNamingIt() throws IOException {
        Path file = file("sever:\n  port: 7001\n");

        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sever: ");
    }

    @Test
    void aPortThatIsNotANumberIsAnErrorNamingTheKeyAndTheValue() {
        assertConfigError(requiredWith("GAMESTATE_SERVER_PORT", "abc"), "server.port: expected an integer, got 'abc'");
    }

    @Test
    void aPortOutOfRangeIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> bind(requiredWith("GAMESTATE_SERVER_PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.port: ")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> bind(requiredWith("GAMESTATE_SERVER_PORT", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.port: ");
    }

    @Test
    void aDurationWithoutAUnitIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> bind(requiredWith("GAMESTATE_SERVER_SHUTDOWN_TIMEOUT", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.shutdownTimeout: ")
                .hasMessageContaining("'10'");
        assertThatThrownBy(() -> bind(requiredWith("GAMESTATE_ETCD_REQUEST_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("etcd.requestTimeout: ");
    }

    @Test
    void aBadGoodInTheCatalogIsNamedWithItsIndex() throws IOException {
        Path file = file("""
                economy:
                  catalog:
                    - {id: sword, name: Sword, price: 10, currency: gold}
                    - {id: shield, name: Shield, price: cheap, currency: gold}
                """);
        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()).bind())
                .isInstanceOf(ConfigException.class).hasMessage("economy.catalog.1.price: expected an integer, got 'cheap'");

        Files.writeString(file, "economy:\n  catalog:\n    - {id: sword, name: Sword, price: -1, currency: gold}\n");
        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()).bind())
                .isInstanceOf(ConfigException.class).hasMessage("economy.catalog.0.price: expected 0..2305843009213693951, got -1");

        Files.writeString(file, "economy:\n  catalog:\n    - {id: sword, name: Sword, price: 1, currency: gold, colour: red}\n");
        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()).bind())
                .isInstanceOf(ConfigException.class).hasMessage("economy.catalog.0.colour: unknown key");
    }

    @Test
    void aKeySetToNothingInTheFileIsMissing() throws IOException {
        Path file = file("server:\n  port: ~\n");

        assertThatThrownBy(() -> ConfigSource.load(Optional.of(file), required()).bind())
                .isInstanceOf(ConfigException.class).hasMessage("server.port: is missing");
    }

    @Test
    void aTypeErrorNamesTheKeyAndWhatWasExpected() {
        assertConfigError(requiredWith("GAMESTATE_NAMESPACES_GUEST_ALLOW_BROADCAST", "maybe"),
                "namespaces.guest.allowBroadcast: expected true or false, got 'maybe'");
        assertConfigError(requiredWith("GAMESTATE_SERVER_PORT", "99999999999"), "server.port: out of range, got 99999999999");
        assertConfigError(requiredWith("GAMESTATE_ECONOMY_STARTING_BALANCE", "[1, 2]"),
                "economy.startingBalance: expected a map of keys to values");
    }

    @Test
    void aFileMayWriteAListCommaSeparatedAndAnEmptyTlsSectionMeansNoTls() throws IOException {
        Path file = file("server:\n  allowedOrigins: 'https://a.example.com, https://b.example.com'\n");

        GameConfig config = ConfigSource.load(Optional.of(file), required()).bind();

        assertThat(config.server().allowedOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
        assertThat(config.etcd().tls()).isEmpty();
        assertThat(ConfigSource.load(Optional.empty(), requiredWith("GAMESTATE_ETCD_TLS_CA_FILE", "pom.xml")).bind()
                .etcd().tls()).map(GameConfig.EtcdTls::caFile).contains(Path.of("pom.xml"));
    }

    @Test
    void aSecretShorterThan32BytesIsAnErrorNamingTheKey() {
        assertConfigError(requiredWith("GAMESTATE_AUTH_JWT_HMAC_SECRET", "too-short"),
                "auth.jwt.hmacSecret: must be at least 32 bytes");
        assertConfigError(requiredWith("GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "also-too-short"),
                "auth.guest.tokenSecret: must be at least 32 bytes");
    }

    @Test
    void missingEtcdEndpointsIsAnErrorNamingTheKey() {
        Map<String, String> env = required();
        env.remove("GAMESTATE_ETCD_ENDPOINTS");

        assertThatThrownBy(() -> bind(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("etcd.endpoints: ");
    }

    @Test
    void anEtcdEndpointThatIsNotAUrlIsAnError() {
        assertThatThrownBy(() -> bind(requiredWith("GAMESTATE_ETCD_ENDPOINTS", "localhost")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("etcd.endpoints: ");
    }

    @Test
    void missingPlayerAuthIsAnErrorNamingTheKey() {
        Map<String, String> env = required();
        env.remove("GAMESTATE_AUTH_JWT_HMAC_SECRET");

        assertThatThrownBy(() -> bind(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt: ");
    }

    @Test
    void aMissingGuestSecretIsAnErrorNamingTheKey() {
        Map<String, String> env = required();
        env.remove("GAMESTATE_AUTH_GUEST_TOKEN_SECRET");

        assertThatThrownBy(() -> bind(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.guest.tokenSecret: ");
    }

    @Test
    void aSecretNeverPrintsItsValue() {
        Secret secret = new Secret("hunter2-hunter2-hunter2-hunter2-hunter2");

        assertThat(secret.toString()).doesNotContain("hunter2");
        assertThat(bind(required()).toString()).doesNotContain(JWT_SECRET).doesNotContain(GUEST_SECRET);
    }

    @Test
    void renderPrintsResolvedValuesListsCommaSeparated() {
        Map<String, String> env = requiredWith("GAMESTATE_SERVER_PORT", "9100");
        env.put("GAMESTATE_ETCD_ENDPOINTS", "http://a:1,http://b:2");
        ConfigSource source = ConfigSource.load(Optional.empty(), env);

        assertThat(List.of(source.render("server.port"), source.render("etcd.endpoints")))
                .containsExactly("9100", "http://a:1,http://b:2");
        assertThatThrownBy(() -> source.render("server.nope")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.nope: ");
    }
}
