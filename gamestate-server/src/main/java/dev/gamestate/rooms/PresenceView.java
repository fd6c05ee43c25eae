package dev.gamestate.rooms;

import dev.gamestate.state.SubscriberRecord;
import java.util.HashMap;
import java.util.Map;

/**
 * One room's members over every node: the other nodes' records as etcd holds them, joined with this
 * node's own subscribers. A user is in the room while any node lists it. Not thread-safe; its owner
 * locks.
 *
 * <p>Bounded by {@code maxMembers}: a record naming more users is kept as its counts only, so the
 * view holds at most {@code maxMembers} users per node, and a roster lists at most that many.
 */
final class PresenceView {

    private final int maxMembers;
    private final Map<String, SubscriberRecord> remote = new HashMap<>();

    /** A view that lists at most {@code maxMembers} users. */
    PresenceView(int maxMembers) {
        this.maxMembers = maxMembers;
    }

    /** Replaces every other node's record with {@code records} (node id → record). */
    void replace(Map<String, SubscriberRecord> records) {
        remote.clear();
        records.forEach(this::put);
    }

    /** Node {@code node} wrote {@code record}. */
    void put(String node, SubscriberRecord record) {
        remote.put(node, bounded(record));
    }

    /** Node {@code node}'s record is gone: it has no subscriber of the room left, or it died. */
    void remove(String node) {
        remote.remove(node);
    }

    /** Other nodes with subscribers of the room. */
    int nodes() {
        return remote.size();
    }

    /**
     * Who is in the room, given this node's own subscribers ({@code local}: user id → sessions): every
     * user of every node while all of them list theirs and they add up to at most {@code maxMembers},
     * else a count.
     */
    Roster roster(Map<String, Integer> local) {
        Map<String, Integer> union = new HashMap<>();
        long unlisted = 0;
        boolean listed = true;
        for (SubscriberRecord record : remote.values()) {
            switch (record) {
                case SubscriberRecord.Listed l -> l.members().forEach((user, n) -> union.merge(user, n, Integer::sum));
                case SubscriberRecord.Counted c -> {
                    listed = false;
                    unlisted += c.users();
                }
            }
        }
        if (local.size() > maxMembers) {
            listed = false;
            unlisted += local.size();
        } else {
            local.forEach((user, n) -> union.merge(user, n, Integer::sum));
        }
        if (listed && union.size() <= maxMembers) {
            return Roster.listed(union);
        }
        return new Roster.Crowded(union.size() + unlisted);
    }

    private SubscriberRecord bounded(SubscriberRecord record) {
        if (record instanceof SubscriberRecord.Listed l && l.members().size() > maxMembers) {
            return new SubscriberRecord.Counted(l.sessions(), l.users());
        }
        return record;
    }
}
