package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.core.Namespace;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamWatchIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Etcd etcd;
    private SerialExecutor dispatch;
    private StreamWatch watch;

    @BeforeEach
    void watch() {
        GameConfig config = ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", ETCD.endpointsCsv(),
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40),
                "GAMESTATE_ETCD_KEY_PREFIX", "/t-" + UUID.randomUUID() + "/")).bind();
        etcd = Etcd.create(config.etcd());
        dispatch = SerialExecutor.start("test-stream", 16);
        StreamListener recorder = new StreamListener() {
            @Override
            public void roomEvent(Namespace ns, String room, long seq, byte[] event) {
                seen.add(room + "#" + seq);
                threads.add(Thread.currentThread().getName());
            }
        };
        watch = new StreamWatch(etcd, List.of(recorder), scheduler, dispatch);
        watch.start().join();
    }

    @AfterEach
    void close() {
        watch.close();
        dispatch.close();
        etcd.close();
        scheduler.shutdownNow();
    }

    @Test
    void everyKeyOfOneTransactionIsDeliveredInSeqOrderThoughTheyShareARevision() {
        Keys keys = etcd.keys();
        // Listed out of order on purpose: delivery follows the seq, not the order of the ops.
        etcd.kv().txn().Then(
                put(keys.roomEvent(Namespace.PRIVATE, "arena", 3)),
                put(keys.roomEvent(Namespace.PRIVATE, "arena", 1)),
                put(keys.roomEvent(Namespace.PRIVATE, "arena", 2)),
                put(keys.roomEvent(Namespace.GUEST, "lobby", 7))).commit().join();
        etcd.kv().put(Keys.bytes(keys.roomEvent(Namespace.PRIVATE, "arena", 4)), Keys.bytes("{}")).join();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 5);
        // Key order within the revision: guest/ sorts before private/.
        assertThat(seen).containsExactly("lobby#7", "arena#1", "arena#2", "arena#3", "arena#4");
        assertThat(threads).containsOnly("test-stream");
    }

    @Test
    void aWatchThatResumesInsideARevisionDeliversNothingTwice() {
        Keys keys = etcd.keys();
        etcd.kv().txn().Then(
                put(keys.roomEvent(Namespace.PRIVATE, "arena", 1)),
                put(keys.roomEvent(Namespace.PRIVATE, "arena", 2))).commit().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);

        // As when jetcd ends the watch: it resumes at the revision it last received, inclusive, so
        // that revision's two keys come again and must be dropped.
        watch.restart();
        etcd.kv().put(Keys.bytes(keys.roomEvent(Namespace.PRIVATE, "arena", 3)), Keys.bytes("{}")).join();
        etcd.kv().put(Keys.bytes(keys.roomEvent(Namespace.PRIVATE, "arena", 4)), Keys.bytes("{}")).join();

        await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains("arena#4"));
        assertThat(seen).containsExactly("arena#1", "arena#2", "arena#3", "arena#4");
    }

    private static Op put(String key) {
        return Op.put(Keys.bytes(key), Keys.bytes("{}"), PutOption.DEFAULT);
    }
}
