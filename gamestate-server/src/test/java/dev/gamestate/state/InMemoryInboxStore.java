package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@link InboxStore} in memory, for fast tests of messaging: one sorted map of keys laid out as in etcd
 * ({@code InboxStoreContract} holds both to the same cases). Every call completes at once. Tests can
 * make bucket leases expire ({@link #expireLeases}).
 */
public final class InMemoryInboxStore implements InboxStore {

    private final Keys keys = new Keys("/memory/");
    private final NavigableMap<String, byte[]> messages = new TreeMap<>();
    private long revision = 1;
    private int leasesToExpire;

    /** The next {@code parks} parks find their bucket lease expired. */
    public synchronized void expireLeases(int parks) {
        leasesToExpire = parks;
    }

    @Override
    public synchronized CompletableFuture<Long> count(Namespace ns, String userId) {
        return CompletableFuture.completedFuture((long) inbox(ns, userId).size());
    }

    @Override
    public synchronized CompletableFuture<LeasedWrite> park(Namespace ns, String userId, String messageId,
                                                            byte[] frame) {
        if (leasesToExpire > 0) {
            leasesToExpire--;
            return CompletableFuture.completedFuture(new LeaseGone());
        }
        messages.put(keys.inboxMessage(ns, userId, messageId), frame.clone());
        return CompletableFuture.completedFuture(new Committed(++revision));
    }

    @Override
    public synchronized CompletableFuture<List<Parked>> page(Namespace ns, String userId, String afterKey, int limit) {
        NavigableMap<String, byte[]> inbox = inbox(ns, userId);
        NavigableMap<String, byte[]> after = afterKey.isEmpty() ? inbox : inbox.tailMap(afterKey, false);
        return CompletableFuture.completedFuture(after.entrySet().stream()
                .limit(limit)
                .map(e -> new Parked(e.getKey(), e.getValue().clone()))
                .toList());
    }

    @Override
    public synchronized CompletableFuture<GuardedWrite> claim(String key) {
        return CompletableFuture.completedFuture(
                messages.remove(key) != null ? new Committed(++revision) : Conflict.changed());
    }

    private NavigableMap<String, byte[]> inbox(Namespace ns, String userId) {
        String prefix = keys.inbox(ns, userId);
        return messages.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1), false);
    }
}
