package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.ConfigSource;
import dev.gamestate.config.GameConfig;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SharedWatchStreamIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String prefix = "/t-" + UUID.randomUUID() + "/rooms/";
    private Client client;
    private KV kv;
    private SerialExecutor delivery;
    private SharedWatchStream stream;

    @BeforeEach
    void open() {
        client = ETCD.newClient();
        kv = client.getKVClient();
        delivery = SerialExecutor.start("test-watch-delivery", 1024);
        stream = SharedWatchStream.create(config(ETCD.endpointsCsv()), delivery);
    }

    @AfterEach
    void close() {
        stream.close();
        delivery.close();
        client.close();
        await().atMost(PATIENCE).until(() -> metric(EtcdMetrics.WATCH_STREAMS) == 0);
    }

    @Test
    void aStalledConsumerHoldsEtcdsStreamBackAtTheResponseWindowAndLosesNothing() throws Exception {
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        delivery.execute(() -> {
            try {
                stalled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RecordingWatchListener listener = new RecordingWatchListener();
        stream.watchPrefix(room(0), revision() + 1, listener);
        await().atMost(PATIENCE).until(() -> metric(EtcdMetrics.WATCHERS) == 1);
        int writes = 2 * GrpcSharedWatchStream.RESPONSE_WINDOW + 100;
        List<String> written = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            written.add(room(0) + i);
            kv.put(Keys.bytes(written.getLast()), Keys.bytes("{}")).join();
        }

        // etcd keeps the rest: the consumer's queue holds no more than the window asked for.
        await().atMost(PATIENCE).during(Duration.ofMillis(500))
                .until(() -> delivery.depth() <= GrpcSharedWatchStream.RESPONSE_WINDOW + 1);
        assertThat(listener.keys).isEmpty();
        stalled.countDown();

        await().atMost(PATIENCE).until(() -> listener.keys.size() >= writes);
        assertThat(listener.keys).containsExactlyElementsOf(written);
    }

    @Test
    void fiveHundredWatchesShareOneStreamAndEachGetsExactlyItsOwnKeysInOrder() {
        int rooms = 500;
        long from = revision() + 1;
        List<RecordingWatchListener> listeners = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            RecordingWatchListener listener = new RecordingWatchListener();
            listeners.add(listener);
            stream.watchPrefix(room(i), from, listener);
        }
        await().atMost(PATIENCE).until(() -> metric(EtcdMetrics.WATCHERS) == rooms);
        assertThat(metric(EtcdMetrics.WATCH_STREAMS)).isEqualTo(1);
        assertThat(stream.streamsStarted()).isEqualTo(1);
        assertThat(stream.liveWatches()).isEqualTo(rooms);

        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            // One transaction, three keys of one room sharing a revision, listed out of order.
            writes.add(kv.txn().Then(put(room(i) + "3"), put(room(i) + "1"), put(room(i) + "2")).commit());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        for (int i = 0; i < rooms; i++) {
            kv.put(Keys.bytes(room(i) + "4"), Keys.bytes("{}")).join();
        }

        await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.keys.size() >= 4));
        for (int i = 0; i < rooms; i++) {
            assertThat(listeners.get(i).keys).as("room %d", i)
                    .containsExactly(room(i) + "1", room(i) + "2", room(i) + "3", room(i) + "4");
            assertThat(listeners.get(i).threads).containsOnly("test-watch-delivery");
        }
        assertThat(stream.putsReceived()).isEqualTo(4L * rooms);
    }

    @Test
    void aCancelledWatchGetsNothingMoreAndEtcdDropsItsWatcher() {
        long from = revision() + 1;
        List<RecordingWatchListener> listeners = new ArrayList<>();
        List<SharedWatchStream.Watch> watches = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordingWatchListener listener = new RecordingWatchListener();
            listeners.add(listener);
            watches.add(stream.watchPrefix(room(i), from, listener));
        }
        // Cancelled before etcd can have answered its create: its id must be cancelled once known.
        RecordingWatchListener early = new RecordingWatchListener();
        stream.watchPrefix(room(10), from, early).cancel();
        await().atMost(PATIENCE).until(() -> metric(EtcdMetrics.WATCHERS) == 10);

        for (int i = 0; i < 5; i++) {
            watches.get(i).cancel();
        }
        for (int i = 0; i <= 10; i++) {
            kv.put(Keys.bytes(room(i) + "1"), Keys.bytes("{}")).join();
        }

        await().atMost(PATIENCE).until(() -> listeners.subList(5, 10).stream().allMatch(l -> l.keys.size() == 1));
        await().atMost(PATIENCE).until(() -> metric(EtcdMetrics.WATCHERS) == 5);
        assertThat(stream.liveWatches()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(listeners.get(i).keys).as("cancelled room %d", i).isEmpty();
        }
        assertThat(early.keys).isEmpty();
    }

    @Test
    void aWatchFromACompactedRevisionReportsTheCompactionAloneWhileTheOthersGoOn() {
        kv.put(Keys.bytes(room(0) + "1"), Keys.bytes("{}")).join();
        kv.put(Keys.bytes(room(0) + "2"), Keys.bytes("{}")).join();
        long compacted = revision();
        kv.compact(compacted).join();

        RecordingWatchListener stale = new RecordingWatchListener();
        RecordingWatchListener fresh = new RecordingWatchListener();
        SharedWatchStream.Watch staleWatch = stream.watchPrefix(room(0), compacted - 1, stale);
        stream.watchPrefix(room(1), compacted + 1, fresh);
        await().atMost(PATIENCE).until(() -> !stale.ends.isEmpty());
        kv.put(Keys.bytes(room(1) + "1"), Keys.bytes("{}")).join();
        kv.put(Keys.bytes(room(0) + "3"), Keys.bytes("{}")).join();

        await().atMost(PATIENCE).until(() -> fresh.keys.size() == 1);
        assertThat(stale.ends).containsExactly(new WatchEnd.Compacted(compacted));
        assertThat(stale.keys).isEmpty();
        assertThat(staleWatch.resumeRevision()).isEqualTo(compacted - 1);
        assertThat(fresh.keys).containsExactly(room(1) + "1");
        assertThat(fresh.ends).isEmpty();
        assertThat(stream.liveWatches()).isEqualTo(1);
        assertThat(stream.streamsStarted()).isEqualTo(1);
    }

    @Test
    void aWatchOfChangesSeesDeletesAndKeysThatLeftWithTheirLeaseWhileAWatchOfPutsDoesNot() {
        long from = revision() + 1;
        RecordingChangeListener changes = new RecordingChangeListener();
        RecordingWatchListener puts = new RecordingWatchListener();
        stream.watchPrefixChanges(room(0), from, changes);
        stream.watchPrefix(room(0), from, puts);
        long lease = client.getLeaseClient().grant(2).join().getID();

        kv.put(Keys.bytes(room(0) + "a"), Keys.bytes("1")).join();
        kv.delete(Keys.bytes(room(0) + "a")).join();
        kv.put(Keys.bytes(room(0) + "b"), Keys.bytes("2"), PutOption.builder().withLeaseId(lease).build()).join();
        // Nobody keeps the lease alive: etcd deletes b when it expires.
        await().atMost(PATIENCE).until(() -> changes.changes.size() == 4);

        assertThat(changes.changes).extracting(c -> c.getClass().getSimpleName() + " " + c.key().substring(prefix.length()))
                .containsExactly("WatchedPut r0/a", "WatchedDelete r0/a", "WatchedPut r0/b", "WatchedDelete r0/b");
        assertThat(changes.changes.get(1).modRevision()).isGreaterThan(changes.changes.get(0).modRevision());
        assertThat(puts.keys).containsExactly(room(0) + "a", room(0) + "b");
    }

    @Test
    void anIdleWatchFromNowStartsAfterTheRevisionEtcdCreatedItAt() {
        RecordingWatchListener listener = new RecordingWatchListener();
        SharedWatchStream.Watch watch = stream.watchPrefix(room(0), 0, listener);
        await().atMost(PATIENCE).until(() -> watch.resumeRevision() > 0);
        long created = watch.resumeRevision();
        kv.put(Keys.bytes(room(0) + "1"), Keys.bytes("{}")).join();

        await().atMost(PATIENCE).until(() -> listener.keys.size() == 1);
        assertThat(created).isLessThanOrEqualTo(revision());
        assertThat(watch.resumeRevision()).isEqualTo(revision());
    }

    private String room(int i) {
        return prefix + "r" + i + "/";
    }

    private long revision() {
        return kv.get(Keys.bytes(prefix)).join().getHeader().getRevision();
    }

    private static Op put(String key) {
        return Op.put(Keys.bytes(key), Keys.bytes("{}"), PutOption.DEFAULT);
    }

    private static long metric(String name) {
        return EtcdMetrics.read(ETCD.endpoints().getFirst(), name);
    }

    static GameConfig.Etcd config(String endpointsCsv) {
        return config(endpointsCsv, "5s");
    }

    /** {@code requestTimeout} also bounds how long an unanswered keep-alive ping is waited for. */
    static GameConfig.Etcd config(String endpointsCsv, String requestTimeout) {
        return ConfigSource.load(Optional.empty(), Map.of(
                "GAMESTATE_ETCD_ENDPOINTS", endpointsCsv,
                "GAMESTATE_ETCD_REQUEST_TIMEOUT", requestTimeout,
                "GAMESTATE_AUTH_JWT_HMAC_SECRET", "x".repeat(40),
                "GAMESTATE_AUTH_GUEST_TOKEN_SECRET", "y".repeat(40))).bind().etcd();
    }
}
