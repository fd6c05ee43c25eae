package dev.gamestate.state;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The writes of one {@link NodeRecords} that have not gone out yet: at most one per key, in arrival
 * order. A later write to a key replaces the waiting one and inherits its waiters, so a key that
 * changes often costs one op per batch however often it changed. Not thread-safe; its owner locks.
 */
final class PendingWrites {

    /** A Txn holds at most 128 ops. */
    static final int MAX_TXN_OPS = 128;
    /** etcd refuses requests over 1.5 MiB; stay well under it. */
    static final int MAX_TXN_BYTES = 1 << 20;

    /**
     * One key's wanted state, read when its batch is built: a value to put, or none to delete it.
     * With a {@code countPrefix} (else empty) the batch also counts the keys under that prefix.
     */
    static final class Entry {

        final String key;
        final Supplier<Optional<byte[]>> value;
        final String countPrefix;
        final List<CompletableFuture<Long>> waiters = new ArrayList<>(1);

        Entry(String key, Supplier<Optional<byte[]>> value, String countPrefix) {
            this.key = key;
            this.value = value;
            this.countPrefix = countPrefix;
        }
    }

    /**
     * One entry resolved into what goes into the Txn.
     *
     * @param entry the entry, with its waiters
     * @param value the value to put, or empty to delete the key
     * @param count whether the Txn also counts the keys under the entry's {@code countPrefix}
     */
    record Resolved(Entry entry, Optional<byte[]> value, boolean count) {

        int ops() {
            return count ? 2 : 1;
        }

        int bytes() {
            return entry.key.length() + value.map(v -> v.length).orElse(0)
                    + (count ? entry.countPrefix.length() : 0);
        }
    }

    private final int bound;
    private final Map<String, Entry> byKey = new LinkedHashMap<>();

    /** At most {@code bound} keys wait. */
    PendingWrites(int bound) {
        this.bound = bound;
    }

    /**
     * Queues {@code entry}, replacing (and taking the waiters and the count of) a waiting write to the
     * same key. False, and nothing queued, when {@code bound} keys already wait.
     */
    boolean offer(Entry entry) {
        Entry waiting = byKey.get(entry.key);
        if (waiting == null && byKey.size() >= bound) {
            return false;
        }
        Entry merged = entry;
        if (waiting != null && entry.countPrefix.isEmpty() && !waiting.countPrefix.isEmpty()) {
            merged = new Entry(entry.key, entry.value, waiting.countPrefix);
            merged.waiters.addAll(entry.waiters);
        }
        if (waiting != null) {
            merged.waiters.addAll(0, waiting.waiters);
            byKey.remove(entry.key); // the key moves to the back, with the newest write
        }
        byKey.put(entry.key, merged);
        return true;
    }

    /**
     * Puts back what a failed batch held, without waiters (they were answered) or counts, unless a
     * newer write to the key is waiting already. May pass the bound by one batch.
     */
    void retry(List<Resolved> failed) {
        for (Resolved r : failed) {
            byKey.putIfAbsent(r.entry().key, new Entry(r.entry().key, r.entry().value, ""));
        }
    }

    /**
     * Takes the next batch, oldest first: as many entries as fit in {@link #MAX_TXN_OPS} ops and
     * {@link #MAX_TXN_BYTES} bytes (always at least one). Values are read now.
     */
    List<Resolved> take() {
        return take(Set.of());
    }

    /**
     * Like {@link #take()}, but leaves the keys in {@code busy} waiting: a key goes out again only
     * once the Txn that carries it now has finished, so writes to one key never overtake each other.
     */
    List<Resolved> take(Set<String> busy) {
        List<Resolved> batch = new ArrayList<>();
        int ops = 0;
        int bytes = 0;
        Iterator<Entry> it = byKey.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (busy.contains(e.key)) {
                continue;
            }
            Optional<byte[]> value = e.value.get();
            Resolved r = new Resolved(e, value, value.isPresent() && !e.countPrefix.isEmpty());
            if (!batch.isEmpty() && (ops + r.ops() > MAX_TXN_OPS || bytes + r.bytes() > MAX_TXN_BYTES)) {
                break;
            }
            batch.add(r);
            ops += r.ops();
            bytes += r.bytes();
            it.remove();
        }
        return batch;
    }

    /** How many keys wait. */
    int size() {
        return byKey.size();
    }

    /** Whether nothing waits. */
    boolean isEmpty() {
        return byKey.isEmpty();
    }
}
