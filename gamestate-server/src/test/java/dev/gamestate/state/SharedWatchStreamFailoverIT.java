package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.testing.EtcdCluster;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared stream losing the member it is on: it moves to another, and every watch resumes at its
 * own revision, so each sees every key written before, during and after the outage exactly once.
 */
class SharedWatchStreamFailoverIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.members(3);

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int ROOMS = 50;

    private final String prefix = "/t-" + UUID.randomUUID() + "/rooms/";

    @AfterEach
    void restore(EtcdCluster cluster) {
        cluster.restoreAll(PATIENCE);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyWatchSeesEveryKeyOnceAcrossTheLossAndReturnOfItsMember(EtcdCluster cluster) {
        everyWatchSeesEveryKeyOnceAcross(cluster, () -> cluster.member(0).kill(), () -> cluster.member(0).restart());
    }

    /** A frozen member breaks no connection: only the keep-alive pings going unanswered tell. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyWatchSeesEveryKeyOnceAcrossAFreezeOfItsMember(EtcdCluster cluster) {
        everyWatchSeesEveryKeyOnceAcross(cluster, () -> cluster.member(0).pause(), () -> cluster.member(0).resume());
    }

    /**
     * Its member losing the leader: the stream asks for one (etcd's {@code hasleader} header), so etcd
     * ends it rather than leave it silent; it comes back once a leader does.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMemberWithoutLeaderEndsTheStreamAndTheWatchesResumeWhenALeaderIsBack(EtcdCluster cluster) {
        EtcdFaults faults = new EtcdFaults("member 0", System::nanoTime);
        try (Client writer = cluster.newClient();
             SerialExecutor delivery = SerialExecutor.start("test-watch-delivery", 1024);
             SharedWatchStream stream = SharedWatchStream.create(
                     SharedWatchStreamIT.config(cluster.member(0).endpoint(), "2s"), delivery, faults)) {
            KV kv = writer.getKVClient();
            long from = kv.get(Keys.bytes(prefix)).join().getHeader().getRevision() + 1;
            List<RecordingWatchListener> listeners = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                RecordingWatchListener listener = new RecordingWatchListener();
                listeners.add(listener);
                stream.watchPrefix(room(i), from, listener);
            }
            await().atMost(PATIENCE).until(() -> metric(cluster, 0, EtcdMetrics.WATCHERS) == ROOMS);
            writeRound(kv, 1);
            await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.keys.size() == 2));

            cluster.member(1).kill();
            cluster.member(2).kill();
            await().atMost(PATIENCE).until(() -> metric(cluster, 0, EtcdMetrics.WATCH_STREAMS) == 0);
            cluster.restoreAll(PATIENCE);
            writeRound(kv, 2);
            writeRound(kv, 3);

            await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.keys.size() >= 6));
            for (int i = 0; i < ROOMS; i++) {
                assertThat(listeners.get(i).keys).as("room %d", i).containsExactly(
                        room(i) + "1a", room(i) + "1b", room(i) + "2a", room(i) + "2b", room(i) + "3a", room(i) + "3b");
            }
            assertThat(metric(cluster, 0, EtcdMetrics.WATCH_STREAMS)).isEqualTo(1);
            assertThat(stream.streamsStarted()).isGreaterThanOrEqualTo(2);
            assertThat(EtcdFaults.KINDS.stream().mapToLong(faults::count).sum())
                    .as("the stream's end counted in gamestate_etcd_errors_total").isPositive();
        }
    }

    private void everyWatchSeesEveryKeyOnceAcross(EtcdCluster cluster, Runnable outage, Runnable recovery) {
        // Writes go to the two members that stay up, so none is lost to the outage.
        try (Client writer = Client.builder().endpoints(cluster.member(1).endpoint(), cluster.member(2).endpoint())
                .build();
             SerialExecutor delivery = SerialExecutor.start("test-watch-delivery", 1024);
             SharedWatchStream stream = SharedWatchStream.create(
                     SharedWatchStreamIT.config(cluster.endpointsCsv(), "2s"), delivery)) {
            KV kv = writer.getKVClient();
            long from = kv.get(Keys.bytes(prefix)).join().getHeader().getRevision() + 1;
            List<RecordingWatchListener> listeners = new ArrayList<>();
            for (int i = 0; i < ROOMS; i++) {
                RecordingWatchListener listener = new RecordingWatchListener();
                listeners.add(listener);
                stream.watchPrefix(room(i), from, listener);
            }
            // The stream opens on the first endpoint.
            await().atMost(PATIENCE).until(() -> metric(cluster, 0, EtcdMetrics.WATCHERS) == ROOMS);

            writeRound(kv, 1);
            await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.keys.size() == 2));

            outage.run();
            writeRound(kv, 2); // while the stream is down or reopening
            await().atMost(PATIENCE).until(() -> stream.streamsStarted() >= 2);
            writeRound(kv, 3);
            recovery.run();
            writeRound(kv, 4);

            await().atMost(PATIENCE).until(() -> listeners.stream().allMatch(l -> l.keys.size() >= 8));
            for (int i = 0; i < ROOMS; i++) {
                List<String> expected = new ArrayList<>();
                for (int round = 1; round <= 4; round++) {
                    expected.add(room(i) + round + "a");
                    expected.add(room(i) + round + "b");
                }
                assertThat(listeners.get(i).keys).as("room %d", i).containsExactlyElementsOf(expected);
                assertThat(listeners.get(i).ends).isEmpty();
            }
            long moved = metric(cluster, 1, EtcdMetrics.WATCH_STREAMS) + metric(cluster, 2, EtcdMetrics.WATCH_STREAMS);
            assertThat(moved).isEqualTo(1);
            // Each watch resumed at the revision it last received, which etcd sent again: dropped here.
            assertThat(stream.putsReceived()).isGreaterThanOrEqualTo(8L * ROOMS + 2L * ROOMS);
            assertThat(stream.liveWatches()).isEqualTo(ROOMS);
            System.out.printf("SharedWatchStreamFailoverIT: %d streams started, %d puts received for %d delivered%n",
                    stream.streamsStarted(), stream.putsReceived(), 8L * ROOMS);
        }
    }

    /**
     * One transaction per room writing two of its keys (they share a revision), retried through a
     * leader election; only if the keys are new, so a retry of a write that did commit is no second one.
     */
    private void writeRound(KV kv, int round) {
        for (int i = 0; i < ROOMS; i++) {
            String a = room(i) + round + "a";
            String b = room(i) + round + "b";
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                kv.txn().If(new Cmp(Keys.bytes(a), Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(put(b), put(a))
                        .commit().get(5, TimeUnit.SECONDS);
                return true;
            });
        }
    }

    private String room(int i) {
        return prefix + "r" + i + "/";
    }

    private static Op put(String key) {
        return Op.put(Keys.bytes(key), Keys.bytes("{}"), PutOption.DEFAULT);
    }

    private static long metric(EtcdCluster cluster, int member, String name) {
        return EtcdMetrics.read(cluster.member(member).endpoint(), name);
    }
}
