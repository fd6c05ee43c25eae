package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.NodeLease;
import dev.gamestate.state.NodeRecords;
import dev.gamestate.state.SubscriberCounts;
import dev.gamestate.state.SubscriberRecord;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Each node's record of each room it has subscribers of, as {@code <prefix>subscriptions/<ns>/<room>/<nodeId>}
 * = how many sessions and, for a room with presence, which users ({@link SubscriberRecord}), under the
 * node's lease: a dead node's records vanish with it. The admin API sums a room's sessions; presence
 * joins their users ({@link Presence}); delivery never reads them.
 *
 * <p>Nobody waits for it: a change marks the room, and the room's key is written with what
 * {@link Subscriptions} holds when its batch goes out (deleted when none is left). Many changes to a
 * room while a batch is in flight cost one op; the record in etcd trails the node by about one etcd
 * round trip. Listing the users costs no write of its own: it is the same op, a longer value, at most
 * {@code presence.maxMembers} users (past them, only counts).
 */
final class SubscriberDirectory {

    /** Rooms with subscribers on one node; more than this many waiting changes means etcd is down. */
    private static final int MAX_WAITING_ROOMS = 1 << 16;

    private final Keys keys;
    private final SubscriberCounts counts;
    private final String nodeId;
    private final Subscriptions subscriptions;
    private final JsonValues json;
    private final PresencePolicy policy;
    private final int maxMembers;
    private final PresenceCounters counters;
    private final NodeRecords records;

    /**
     * Records of {@code subscriptions}, written under {@code lease}; all written again when it is
     * renewed. Rooms with presence ({@code policy}) list up to {@code maxMembers} users.
     */
    SubscriberDirectory(Etcd etcd, NodeLease lease, JsonValues json, String nodeId, Subscriptions subscriptions,
                        PresencePolicy policy, int maxMembers, PresenceCounters counters) {
        this.keys = etcd.keys();
        this.counts = SubscriberCounts.inEtcd(etcd, json);
        this.nodeId = nodeId;
        this.subscriptions = subscriptions;
        this.json = json;
        this.policy = policy;
        this.maxMembers = maxMembers;
        this.counters = counters;
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
        // A failed write is retried by the writer; the record is informational, nobody waits for it.
        records.refresh(keys.subscriptions(ns, room) + nodeId, () -> record(ns, room));
    }

    /** The room's record as this node's subscriptions are now, when its batch goes out; empty: none left. */
    private Optional<byte[]> record(Namespace ns, String room) {
        if (!policy.presenceEnabled(ns, room)) {
            int count = subscriptions.inRoom(ns, room).size();
            return count == 0 ? Optional.empty() : Optional.of(SubscriberRecord.encodeCount(count));
        }
        Map<String, Integer> members = subscriptions.members(ns, room);
        if (members.isEmpty()) {
            return Optional.empty();
        }
        if (members.size() > maxMembers) {
            long sessions = members.values().stream().mapToLong(Integer::longValue).sum();
            return Optional.of(SubscriberRecord.encode(new SubscriberRecord.Counted(sessions, members.size()), json));
        }
        counters.recordWritten();
        return Optional.of(SubscriberRecord.encode(new SubscriberRecord.Listed(members), json));
    }
}
