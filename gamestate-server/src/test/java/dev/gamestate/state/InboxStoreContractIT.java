package dev.gamestate.state;

import dev.gamestate.rooms.ServiceNode;
import dev.gamestate.testing.EtcdExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link InboxStore} contract, held by the inboxes in etcd; each test under a fresh key prefix. */
class InboxStoreContractIT extends InboxStoreContract {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private Etcd etcd;
    private InboxStore inboxes;

    @BeforeEach
    void connect() {
        etcd = Etcd.create(ServiceNode.config(ETCD.endpointsCsv(), Map.of()).etcd());
        // The first call also opens the channel.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> etcd.ping().join());
        inboxes = InboxStore.inEtcd(etcd, Duration.ofMinutes(5), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        etcd.close();
    }

    @Override
    InboxStore inboxes() {
        return inboxes;
    }
}
