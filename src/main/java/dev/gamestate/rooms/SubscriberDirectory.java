package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.NodeRecords;
import dev.gamestate.state.SubscriberCounts;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How many subscribers each room has on each node, as {@code <prefix>subscriptions/<ns>/<room>/<nodeId>}
 * = this node's count, under the node's lease: a dead node's counts vanish with it. Only read by the
 * admin API, which sums a room's keys; delivery never reads it.
 *
 * <p>Informational, so nobody waits for it: a change marks the room, and the room's key is written
 * with the count {@link Subscriptions} holds when its batch goes out (deleted at 0). Many changes to a
 * room while a batch is in flight cost one op; the count in etcd trails the node by about one etcd
 * round trip.
 */
final class SubscriberDirectory {

    /** Rooms with subscribers on one node; more than this many waiting changes means etcd is down. */
    private static final int MAX_WAITING_ROOMS = 1 << 16;

    private final Keys keys;
    private final SubscriberCounts counts;
    private final String nodeId;
    private final Subscriptions subscriptions;
    private final NodeRecords records;

    /** Counts of {@code subscriptions}, written under {@code lease}; all written again when it is renewed. */
    SubscriberDirectory(Etcd etcd, NodeLease lease, JsonValues json, String nodeId, Subscriptions subscriptions) {
        this.keys = etcd.keys();
        this.counts = SubscriberCounts.inEtcd(etcd, json);
        this.nodeId = nodeId;
        this.subscriptions = subscriptions;
        this.records = new NodeRecords(etcd, lease, "subscriptions", MAX_WAITING_ROOMS);
        lease.onRenewal(id -> subscriptions.rooms().forEach(r -> changed(r.namespace(), r.room())));
    }

    /** {@code sub} was registered: its room's count goes out with the next batch. */
    void add(Subscription sub) {
        changed(sub.namespace(), sub.room());
    }

    /** {@code subs} ended: their rooms' counts go out with the next batch. */
    void remove(Collection<Subscription> subs) {
        subs.forEach(sub -> changed(sub.namespace(), sub.room()));
    }

    /** How many sessions are subscribed to {@code room}, summed over every node's count. */
    CompletableFuture<Long> count(Namespace ns, String room) {
        return counts.total(ns, room);
    }

    /** The batched writer of the counts, for its metrics. */
    NodeRecords records() {
        return records;
    }

    private void changed(Namespace ns, String room) {
        // A failed write is retried by the writer; the count is informational, nobody waits for it.
        records.refresh(keys.subscriptions(ns, room) + nodeId, () -> {
            int count = subscriptions.inRoom(ns, room).size();
            return count == 0 ? Optional.empty()
                    : Optional.of(Integer.toString(count).getBytes(StandardCharsets.UTF_8));
        });
    }
}
