package dev.gamestate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every config record checks its own values, so one built in code is refused like a bad file, naming the key. */
class GameConfigTest {

    private static final Secret SECRET = new Secret("a-secret-of-more-than-32-bytes-0123456789");
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Duration NOTICE = Duration.ofSeconds(60);

    private static GameConfig.Server server(int port, Duration shutdownTimeout, String nodeId) {
        return new GameConfig.Server("0.0.0.0", port, 2048, Duration.ofSeconds(5), List.of(), shutdownTimeout, nodeId,
                0, Duration.ofMillis(2), Duration.ofMillis(16), 50_000, false);
    }

    private static GameConfig.Etcd etcd(Optional<String> user, Optional<Secret> password) {
        return new GameConfig.Etcd(List.of("http://127.0.0.1:2379"), "/gamestate/", Duration.ofSeconds(5),
                Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofMinutes(5), user, password, Optional.empty());
    }

    private static GameConfig.Good good(String id, long price) {
        return new GameConfig.Good(id, "The " + id, price, "gold", OptionalLong.empty(), OptionalInt.empty());
    }

    private static void assertRefused(ThrowingCallable build, String message) {
        assertThatThrownBy(build).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void aServerWithAPortOutOfRangeIsRefusedNamingTheKey() {
        assertRefused(() -> server(70000, Duration.ofSeconds(10), "n1"), "server.port: expected 0..65535, got 70000");
    }

    @Test
    void aDurationOutOfRangeIsRefusedInTheUnitsAFileWouldUse() {
        assertRefused(() -> server(8080, Duration.ofMinutes(11), "n1"), "server.shutdownTimeout: expected 1ms..10m, got 11m");
    }

    @Test
    void aServerWithoutANodeIdGetsAGeneratedOneAndABadOneIsRefused() {
        assertThat(server(8080, Duration.ofSeconds(10), "").nodeId()).matches("node-[0-9a-f]{8}");
        assertThat(server(8080, Duration.ofSeconds(10), "n1").nodeId()).isEqualTo("n1");
        assertThatThrownBy(() -> server(8080, Duration.ofSeconds(10), "n 1")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.nodeId: must match ");
    }

    @Test
    void aMissingValueIsRefusedNamingTheKey() {
        assertRefused(() -> new GameConfig.Log(null, "text"), "log.level: is missing");
        assertRefused(() -> server(8080, null, "n1"), "server.shutdownTimeout: is missing");
        assertRefused(() -> new GameConfig.Auth(null, new GameConfig.Guest(SECRET, Duration.ofDays(1))), "auth.jwt: is missing");
    }

    @Test
    void roomsRefuseAHistoryThatCannotHoldTwoEvents() {
        assertRefused(() -> new GameConfig.Rooms(1000, Duration.ofMinutes(10), 65536, 512, 65536, 100_000, List.of()),
                "rooms.maxHistoryBytes: must be at least twice rooms.maxEventBytes (65536), got 100000");
    }

    @Test
    void presenceListsAtMostAThousandMembersAndPushesAtMostEveryTenMilliseconds() {
        assertRefused(() -> new GameConfig.Presence(1001, Duration.ofMillis(500)),
                "presence.maxMembers: expected 0..1000, got 1001");
        assertRefused(() -> new GameConfig.Presence(128, Duration.ofMillis(5)),
                "presence.interval: expected 10ms..1m, got 5ms");
        assertThat(new GameConfig.Presence(0, Duration.ofSeconds(1)).maxMembers()).isZero();
    }

    @Test
    void etcdUserAndPasswordGoTogether() {
        assertRefused(() -> etcd(Optional.of("bob"), Optional.empty()), "etcd.password: user and password go together");
        assertRefused(() -> etcd(Optional.empty(), Optional.of(SECRET)), "etcd.user: user and password go together");
        assertThat(etcd(Optional.of("bob"), Optional.of(SECRET)).user()).contains("bob");
    }

    @Test
    void etcdTlsNeedsItsCaAndAClientCertificateWithItsKey() {
        Path readable = Path.of("pom.xml");
        assertRefused(() -> new GameConfig.EtcdTls(readable, Optional.of(readable), Optional.empty()),
                "etcd.tls.keyFile: certFile and keyFile go together");
        assertRefused(() -> new GameConfig.EtcdTls(null, Optional.of(readable), Optional.of(readable)),
                "etcd.tls.caFile: is required when a client certificate is set");
        assertRefused(() -> new GameConfig.EtcdTls(Path.of("no-such-ca.pem"), Optional.empty(), Optional.empty()),
                "etcd.tls.caFile: cannot read no-such-ca.pem");
    }

    @Test
    void aShortSecretIsRefusedWithoutPrintingIt() {
        assertRefused(() -> new GameConfig.Guest(new Secret("hunter2"), Duration.ofDays(1)),
                "auth.guest.tokenSecret: must be at least 32 bytes");
        assertRefused(() -> new GameConfig.Jwt(Optional.of(new Secret("hunter2")), Optional.empty(), Optional.empty(),
                Optional.empty(), SKEW, NOTICE), "auth.jwt.hmacSecret: must be at least 32 bytes");
    }

    @Test
    void playersNeedAnHmacSecretOrAJwksFile() {
        assertRefused(() -> new GameConfig.Jwt(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), SKEW,
                NOTICE), "auth.jwt: set hmacSecret (HS256) or jwksFile (RS256/ES256) so players can sign in");
    }

    @Test
    void aGoodBuiltInCodeNamesItsKeyWithoutAListIndex() {
        assertRefused(() -> good("sword", -1), "economy.catalog.price: expected 0..2305843009213693951, got -1");
        assertRefused(() -> new GameConfig.Good("sword", "Sword", 1, "Gold", OptionalLong.empty(), OptionalInt.of(0)),
                "economy.catalog.currency: a currency matches ^[a-z][a-z0-9_]{0,31}$, got 'Gold'");
    }

    @Test
    void anEconomyRefusesDuplicateGoodsAndBadBalances() {
        assertRefused(() -> new GameConfig.Economy(Map.of("gold", 1L), List.of(good("a", 1), good("a", 2))),
                "economy.catalog.1.id: duplicate good id 'a'");
        assertRefused(() -> new GameConfig.Economy(Map.of("gold", -1L), List.of()),
                "economy.startingBalance.gold: expected 0..2305843009213693951, got -1");
    }

    @Test
    void theLogLevelIsUpperCasedAndChecked() {
        assertThat(new GameConfig.Log("debug", "text").level()).isEqualTo("DEBUG");
        assertRefused(() -> new GameConfig.Log("loud", "text"),
                "log.level: expected TRACE, DEBUG, INFO, WARN or ERROR, got 'LOUD'");
    }

    @Test
    void theLogFormatIsTextOrJson() {
        assertThat(new GameConfig.Log("INFO", "JSON").json()).isTrue();
        assertThat(new GameConfig.Log("INFO", "text").json()).isFalse();
        assertRefused(() -> new GameConfig.Log("INFO", "xml"), "log.format: expected text or json, got 'xml'");
        assertRefused(() -> new GameConfig.Log("INFO", null), "log.format: is missing");
    }

    @Test
    void durationsInMessagesReadTheWayAConfigFileWritesThem() {
        assertThat(List.of(Duration.ZERO, Duration.ofMillis(250), Duration.ofSeconds(90), Duration.ofMinutes(5),
                Duration.ofHours(2), Duration.ofDays(7), Duration.ofNanos(5)))
                .extracting(Check::format).containsExactly("0s", "250ms", "90s", "5m", "2h", "7d", "PT0.000000005S");
    }
}
