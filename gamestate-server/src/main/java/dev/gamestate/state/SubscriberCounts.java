package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Rooms' subscriber records as nodes publish them: each node writes its own {@link SubscriberRecord}
 * of a room under {@link Keys#subscriptions} + its node id (through its {@link NodeRecords}); this
 * reads them.
 */
public interface SubscriberCounts {

    /** The records in {@code etcd}, read with {@code json}. */
    static SubscriberCounts inEtcd(Etcd etcd, JsonValues json) {
        return new EtcdSubscriberCounts(etcd, json);
    }

    /** How many sessions are subscribed to {@code room}, summed over every node's record. */
    CompletableFuture<Long> total(Namespace ns, String room);

    /**
     * Every node's record of {@code room}, as of one revision: a watch of the records from
     * {@code revision + 1} brings every later change.
     */
    CompletableFuture<ByNode> records(Namespace ns, String room);

    /**
     * The records of one room at one revision.
     *
     * @param revision the revision they were read at
     * @param records  node id → its record
     */
    record ByNode(long revision, Map<String, SubscriberRecord> records) {

        /** Keeps an immutable copy. */
        public ByNode {
            records = Map.copyOf(records);
        }
    }
}
