package dev.gamestate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.Namespace;
import dev.gamestate.protocol.WireCodec;
import dev.gamestate.rooms.ServiceNode;
import dev.gamestate.testing.EtcdExtension;
import io.etcd.jetcd.options.GetOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Session records: written in shared transactions, and written again in batches when the lease is lost. */
class SessionDirectoryIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Etcd etcd;
    private NodeLease lease;

    @AfterEach
    void close() {
        if (lease != null) {
            lease.release().join();
        }
        if (etcd != null) {
            etcd.close();
        }
        scheduler.shutdownNow();
    }

    private long count(String prefix) {
        return etcd.kv().get(Keys.bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .join().getCount();
    }

    @Test
    void aLostLeaseGetsEverySessionWrittenAgainInAFewTransactions() {
        GameConfig config = ServiceNode.config(ETCD.endpointsCsv(), Map.of("GAMESTATE_ETCD_LEASE_TTL", "3s"));
        etcd = Etcd.create(config.etcd());
        lease = new NodeLease(etcd, "dir-node", "{}", config.etcd().leaseTtl(), scheduler, Clock.systemUTC());
        lease.start().join();
        SessionDirectory directory = new SessionDirectory(etcd, lease, new JsonValues(WireCodec.create().mapper()));
        int sessions = 300;
        List<CompletableFuture<Boolean>> opened = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            opened.add(directory.open(new SessionDirectory.SessionRecord("s" + i, "user" + i, Namespace.PRIVATE,
                    "dir-node", Instant.EPOCH)));
        }
        CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).join();
        assertThat(opened).allMatch(f -> !f.join()); // nobody had mail
        String all = etcd.keys().allSessions();
        assertThat(count(all)).isEqualTo(sessions);
        long leaseBefore = lease.id();
        long txnsBefore = directory.records().txns();

        etcd.lease().revoke(leaseBefore).join(); // the records vanish with it; the watchdog notices

        await().atMost(Duration.ofSeconds(20)).until(() -> lease.id() != leaseBefore && count(all) == sessions);
        long rewriteTxns = directory.records().txns() - txnsBefore;
        System.out.printf("SessionDirectoryIT: %d sessions written again in %d Txns%n", sessions, rewriteTxns);
        assertThat(rewriteTxns).isBetween(3L, 10L); // 128 puts a Txn, not one request each
        var kv = etcd.kv().get(Keys.bytes(etcd.keys().session(Namespace.PRIVATE, "user7", "s7"))).join().getKvs();
        assertThat(kv.getFirst().getLease()).isEqualTo(lease.id());
    }
}
