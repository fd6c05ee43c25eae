package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared stream on an etcd with auth enabled: a token per stream, refusal of what the user may not read. */
class SharedWatchStreamAuthIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void aUserWatchesWhatItMayReadAndIsRefusedWhatItMayNot() {
        enableAuth();
        try (Client root = Client.builder().endpoints(ETCD.endpoints().toArray(String[]::new))
                .user(Keys.bytes("root")).password(Keys.bytes("root-pw")).build();
             SerialExecutor delivery = SerialExecutor.start("test-watch-delivery", 64);
             SharedWatchStream stream = SharedWatchStream.create(config("watcher", "watcher-pw"), delivery)) {
            long from = root.getKVClient().get(Keys.bytes("/allowed/")).join().getHeader().getRevision() + 1;
            RecordingWatchListener allowed = new RecordingWatchListener();
            RecordingWatchListener secret = new RecordingWatchListener();
            stream.watchPrefix("/allowed/", from, allowed);
            root.getKVClient().put(Keys.bytes("/allowed/1"), Keys.bytes("{}")).join();
            await().atMost(PATIENCE).until(() -> allowed.keys.size() == 1);

            // Denied once, it is tried again on a stream with a fresh token, then refused for good.
            stream.watchPrefix("/secret/", from, secret);
            await().atMost(PATIENCE).until(() -> !secret.ends.isEmpty());
            root.getKVClient().put(Keys.bytes("/allowed/2"), Keys.bytes("{}")).join();
            root.getKVClient().put(Keys.bytes("/secret/1"), Keys.bytes("{}")).join();

            await().atMost(PATIENCE).until(() -> allowed.keys.size() >= 2);
            assertThat(secret.ends).singleElement().isInstanceOfSatisfying(WatchEnd.Refused.class,
                    refused -> assertThat(refused.reason()).contains("permission denied"));
            assertThat(secret.keys).isEmpty();
            assertThat(allowed.keys).containsExactly("/allowed/1", "/allowed/2");
            assertThat(stream.liveWatches()).isEqualTo(1);
            assertThat(stream.streamsStarted()).isEqualTo(2);
        }
    }

    private static void enableAuth() {
        try (Client client = ETCD.newClient()) {
            Auth auth = client.getAuthClient();
            auth.roleAdd(Keys.bytes("root")).join();
            auth.userAdd(Keys.bytes("root"), Keys.bytes("root-pw")).join();
            auth.userGrantRole(Keys.bytes("root"), Keys.bytes("root")).join();
            auth.roleAdd(Keys.bytes("reader")).join();
            auth.roleGrantPermission(Keys.bytes("reader"), Keys.bytes("/allowed/"), Keys.bytes("/allowed0"),
                    Permission.Type.READ).join();
            auth.userAdd(Keys.bytes("watcher"), Keys.bytes("watcher-pw")).join();
            auth.userGrantRole(Keys.bytes("watcher"), Keys.bytes("reader")).join();
            auth.authEnable().join();
        }
    }

    private static GameConfig.Etcd config(String user, String password) {
        return ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv(),
                "GAMESTATE_ETCD_USER", user,
                "GAMESTATE_ETCD_PASSWORD", password,
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40))).bind().etcd();
    }
}
