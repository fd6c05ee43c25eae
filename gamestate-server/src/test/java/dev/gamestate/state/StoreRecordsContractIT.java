package dev.gamestate.state;

import dev.gamestate.rooms.ServiceNode;
import dev.gamestate.testing.EtcdExtension;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link StoreRecords} contract, held by the records in etcd; each test under a fresh key prefix. */
class StoreRecordsContractIT extends StoreRecordsContract {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private Etcd etcd;
    private StoreRecords records;

    @BeforeEach
    void connect() {
        etcd = Etcd.create(ServiceNode.config(ETCD.endpointsCsv(), Map.of()).etcd());
        // The first call also opens the channel.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> etcd.ping().join());
        records = StoreRecords.inEtcd(etcd);
    }

    @AfterEach
    void close() {
        etcd.close();
    }

    @Override
    StoreRecords records() {
        return records;
    }
}
