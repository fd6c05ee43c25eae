package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.rooms.ServiceNode;
import dev.gamestate.testing.EtcdExtension;
import dev.gamestate.testing.EtcdProcess;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The batched record writer against a real etcd: few Txns for many writes, counts, and outages. */
class NodeRecordsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        scheduler.shutdownNow();
    }

    private record Setup(Etcd etcd, NodeLease lease, NodeRecords records) {
    }

    private Setup setup(Map<String, String> overrides) {
        GameConfig config = ServiceNode.config(ETCD.endpointsCsv(), overrides);
        Etcd etcd = Etcd.create(config.etcd());
        open.add(etcd);
        // The first call also opens the channel, which may take longer than a short request timeout.
        await().atMost(Duration.ofSeconds(20)).until(() -> etcd.ping().join());
        NodeLease lease = new NodeLease(etcd, "records-node", "{}", config.etcd().leaseTtl(), scheduler,
                Clock.systemUTC());
        lease.start().join();
        open.add(lease::release);
        return new Setup(etcd, lease, new NodeRecords(etcd, lease, "test", 10_000));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long count(Etcd etcd, String prefix) {
        return etcd.kv().get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .join().getCount();
    }

    @Test
    void fiveHundredWritesAtOnceGoOutInAHandfulOfTransactionsUnderTheNodeLease() {
        Setup s = setup(Map.of());
        String prefix = s.etcd().keys().prefix() + "many/";
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            writes.add(s.records().put(prefix + i, utf8("v" + i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

        assertThat(count(s.etcd(), prefix)).isEqualTo(500);
        // The first goes alone (etcd was idle), the rest in batches of at most 128, several at once.
        assertThat(s.records().txns()).isBetween(4L, 12L);
        assertThat(s.records().largestBatch()).isLessThanOrEqualTo(128);
        assertThat(s.records().queued()).isZero();
        var kv = s.etcd().kv().get(Keys.bytes(prefix + "7")).join().getKvs().getFirst();
        assertThat(kv.getLease()).isEqualTo(s.lease().id());
    }

    @Test
    void aPutCountsTheKeysUnderAPrefixInTheSameTransaction() {
        Setup s = setup(Map.of());
        String inbox = s.etcd().keys().prefix() + "inbox/u/";
        String session = s.etcd().keys().prefix() + "sessions/u/1";
        assertThat(s.records().putAndCount(session, utf8("{}"), inbox).join()).isZero();

        s.etcd().kv().put(Keys.bytes(inbox + "m1"), Keys.bytes("hi")).join();
        s.etcd().kv().put(Keys.bytes(inbox + "m2"), Keys.bytes("hi")).join();
        assertThat(s.records().putAndCount(session, utf8("{}"), inbox).join()).isPositive();
    }

    @Test
    void aDeleteAfterAPutLeavesNoKeyHoweverTheyWereBatched() {
        Setup s = setup(Map.of());
        String prefix = s.etcd().keys().prefix() + "churn/";
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            writes.add(s.records().put(prefix + i, utf8("x")));
            if (i % 2 == 0) {
                writes.add(s.records().delete(prefix + i));
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        assertThat(count(s.etcd(), prefix)).isEqualTo(150);
    }

    @Test
    void writesThatFailedWhileEtcdWasDownAreWrittenWhenItIsBack() {
        Setup s = setup(Map.of("GAMESTATE_ETCD_REQUEST_TIMEOUT", "400ms", "GAMESTATE_ETCD_LEASE_TTL", "60s"));
        String prefix = s.etcd().keys().prefix() + "outage/";
        EtcdProcess member = ETCD.cluster().member(0);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        // Stopped, not frozen: a frozen etcd may still commit a Txn the node already gave up on.
        member.stop();
        try {
            for (int i = 0; i < 50; i++) {
                writes.add(s.records().put(prefix + i, utf8("x")));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            Throwable error = all.handle((v, e) -> e).join();
            assertThat(error).isInstanceOf(CompletionException.class);
            assertThat(GameException.from(error).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        } finally {
            member.restart();
        }

        // jetcd may deliver a Txn the node already counted as failed once etcd is back (its own retry),
        // so the keys can be there before the node's re-record; wait for that one too.
        await().atMost(Duration.ofSeconds(30)).until(() -> s.records().queued() == 0
                && count(s.etcd(), prefix) == 50 && s.records().txns() > s.records().failedTxns());
        assertThat(s.records().failedTxns()).isPositive();
    }
}
