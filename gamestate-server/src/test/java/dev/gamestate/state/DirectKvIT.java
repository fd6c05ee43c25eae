package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.testing.EtcdProcess;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The room path's direct KV calls: transactions and reads, with etcd's auth and across a member restart. */
class DirectKvIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private EtcdProcess etcd;

    @AfterEach
    void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aTransactionCommitsAndAReadSeesItWithoutAuth() {
        etcd = EtcdProcess.startSingle();
        try (DirectKv kv = new DirectKv(EtcdChannels.create(config(Map.of())), Duration.ofSeconds(5))) {
            TxnResponse created = kv.txn(createIfAbsent("/direct/a", "1")).join();
            TxnResponse again = kv.txn(createIfAbsent("/direct/a", "2")).join();

            assertThat(created.getSucceeded()).isTrue();
            assertThat(again.getSucceeded()).as("the compare sees the key").isFalse();
            assertThat(value(kv, "/direct/a")).isEqualTo("1");
        }
    }

    @Test
    void aUserAuthenticatesAndGetsAFreshTokenWhenEtcdForgotTheOldOne() {
        etcd = EtcdProcess.startSingle();
        enableAuth();
        try (DirectKv kv = new DirectKv(EtcdChannels.create(config(Map.of(
                "GAMESTATE_ETCD_USER", "root", "GAMESTATE_ETCD_PASSWORD", "root-pw"))), Duration.ofSeconds(5))) {
            assertThat(kv.txn(createIfAbsent("/direct/b", "1")).join().getSucceeded()).isTrue();

            // etcd's simple tokens live in the member's memory: a restart invalidates the one held.
            etcd.restart();
            await().atMost(PATIENCE).ignoreExceptions()
                    .until(() -> kv.txn(createIfAbsent("/direct/c", "1")).join().getSucceeded());

            assertThat(value(kv, "/direct/b")).isEqualTo("1");
            assertThat(value(kv, "/direct/c")).isEqualTo("1");
        }
    }

    @Test
    void aWrongPasswordFailsTheCallAndIsAskedAgainNextTime() {
        etcd = EtcdProcess.startSingle();
        enableAuth();
        try (DirectKv kv = new DirectKv(EtcdChannels.create(config(Map.of(
                "GAMESTATE_ETCD_USER", "root", "GAMESTATE_ETCD_PASSWORD", "wrong"))), Duration.ofSeconds(5))) {
            assertThat(kv.range(read("/direct/d"))).failsWithin(PATIENCE)
                    .withThrowableThat().withMessageContaining("authentication failed");
            assertThat(kv.range(read("/direct/d"))).as("not a cached failure").failsWithin(PATIENCE);
        }
    }

    @Test
    void callsMoveToTheNextMemberWhenTheirsIsGone() {
        try (dev.gamestate.testing.EtcdCluster cluster = dev.gamestate.testing.EtcdCluster.start(3);
             DirectKv kv = new DirectKv(EtcdChannels.create(config(cluster.endpointsCsv(), Map.of())),
                     Duration.ofSeconds(2))) {
            assertThat(kv.txn(createIfAbsent("/direct/e", "1")).join().getSucceeded()).isTrue();
            cluster.member(0).kill(); // the first endpoint: where a fresh DirectKv sends its calls

            // The calls that fail there move the next ones on to a live member.
            for (int i = 0; i < 6; i++) {
                String key = "/direct/f" + i;
                await().atMost(PATIENCE).ignoreExceptions()
                        .until(() -> kv.txn(createIfAbsent(key, "1")).join().getSucceeded()
                                || "1".equals(value(kv, key)));
            }
            assertThat(value(kv, "/direct/e")).isEqualTo("1");
        }
    }

    private static String value(DirectKv kv, String key) {
        return kv.range(read(key)).join().getKvs(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static RangeRequest read(String key) {
        return RangeRequest.newBuilder().setKey(DirectKv.wrap(key.getBytes(StandardCharsets.UTF_8))).build();
    }

    private static TxnRequest createIfAbsent(String key, String value) {
        return TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(DirectKv.wrap(key.getBytes(StandardCharsets.UTF_8)))
                        .setResult(Compare.CompareResult.EQUAL).setTarget(Compare.CompareTarget.VERSION).setVersion(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(DirectKv.wrap(key.getBytes(StandardCharsets.UTF_8)))
                        .setValue(DirectKv.wrap(value.getBytes(StandardCharsets.UTF_8)))))
                .build();
    }

    private void enableAuth() {
        try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            Auth auth = client.getAuthClient();
            auth.roleAdd(Keys.bytes("root")).join();
            auth.userAdd(Keys.bytes("root"), Keys.bytes("root-pw")).join();
            auth.userGrantRole(Keys.bytes("root"), Keys.bytes("root")).join();
            auth.authEnable().join();
        }
    }

    private GameConfig.Etcd config(Map<String, String> extra) {
        return config(etcd.endpoint(), extra);
    }

    private static GameConfig.Etcd config(String endpoints, Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", endpoints,
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40)));
        env.putAll(extra);
        return ConfigSource.load(Optional.empty(), env).bind().etcd();
    }
}
