package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.concurrent.CompletableFuture;

/**
 * Rooms' subscriber counts as nodes publish them: each node writes its own count of a room under
 * {@link Keys#subscriptions} + its node id (through its {@link NodeRecords}); this reads their sum.
 */
public interface SubscriberCounts {

    /** The counts in {@code etcd}. */
    static SubscriberCounts inEtcd(Etcd etcd) {
        return new EtcdSubscriberCounts(etcd);
    }

    /** How many sessions are subscribed to {@code room}, summed over every node's count. */
    CompletableFuture<Long> total(Namespace ns, String room);
}
