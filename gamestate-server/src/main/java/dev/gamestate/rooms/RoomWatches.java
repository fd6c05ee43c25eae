package dev.gamestate.rooms;

import dev.gamestate.state.Keys;
import dev.gamestate.state.LogEntries;
import dev.gamestate.state.RoomLog;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.WatchEnd;
import dev.gamestate.state.WatchListener;
import dev.gamestate.state.WatchedPut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's watches of room logs: one per room while the room has a subscription here, and for a
 * short linger after the last one left (so a player hopping out and back in does not churn etcd).
 *
 * <p>Every read a subscription relies on goes through {@link #read}, which keeps this invariant: a
 * read either starts the room's watch at its own revision + 1, or completes after the read that did
 * (linearizable reads, so its revision is at least that one). Either way the watch delivers every
 * event after what the read saw. While a start is under way, other reads of that room wait for it.
 */
final class RoomWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomWatches.class);
    private static final long REFUSED_RETRY_MS = 1000;

    /** Where this class hands what the watches bring; calls come on the stream's delivery executor. */
    interface Sink {

        /** A committed event of a room with subscribers here. */
        void roomEvent(Subscriptions.RoomKey key, long seq, byte[] event);

        /**
         * The room's watch ended (compaction): hold its subscriptions now, then {@link #read} the room
         * to restart the watch and bring them up to date. No read starts the room's watch again
         * before this returns.
         */
        void watchLost(Subscriptions.RoomKey key);

        /**
         * The room became of interest here (its first subscription); {@link #interestEnded} follows
         * once it is not any more (the linger after its last one passed). Called under this class's
         * lock, so the two alternate per room: be quick, never call back.
         */
        void interestBegan(Subscriptions.RoomKey key);

        /** The room is no longer of interest here; see {@link #interestBegan}. */
        void interestEnded(Subscriptions.RoomKey key);
    }

    /** One room's interest. Guarded by the enclosing instance. */
    private static final class Entry {
        final Subscriptions.RoomKey key;
        int subscriptions;
        int generation;
        SharedWatchStream.Watch watch;      // null while none runs
        CompletableFuture<Void> starting;   // non-null while one read is about to start the watch
        ScheduledFuture<?> linger;          // non-null while the last subscription left

        Entry(Subscriptions.RoomKey key) {
            this.key = key;
        }
    }

    private final SharedWatchStream stream;
    private final Keys keys;
    private final ScheduledExecutorService scheduler;
    private final Duration linger;
    private final Function<Subscriptions.RoomKey, CompletableFuture<RoomStream.RoomState>> reader;
    private Sink sink;
    private final Map<Subscriptions.RoomKey, Entry> rooms = new HashMap<>();
    private final LongAdder received = new LongAdder();
    private boolean closed;

    RoomWatches(SharedWatchStream stream, Keys keys, ScheduledExecutorService scheduler, Duration linger,
                Function<Subscriptions.RoomKey, CompletableFuture<RoomStream.RoomState>> reader) {
        this.stream = stream;
        this.keys = keys;
        this.scheduler = scheduler;
        this.linger = linger;
        this.reader = reader;
    }

    /** Sets where events go; once, before the first subscription. */
    void deliverTo(Sink target) {
        this.sink = target;
    }

    /** A subscription to {@code key} was registered: the room is of interest. */
    synchronized void hold(Subscriptions.RoomKey key) {
        Entry e = rooms.get(key);
        if (e == null) {
            e = new Entry(key);
            rooms.put(key, e);
            if (!closed) {
                sink.interestBegan(key);
            }
        }
        e.subscriptions++;
        if (e.linger != null) {
            e.linger.cancel(false);
            e.linger = null;
        }
    }

    /** A subscription to {@code key} went away; the last one starts the linger, then the watch stops. */
    void release(Subscriptions.RoomKey key) {
        Entry stop = null;
        synchronized (this) {
            Entry e = rooms.get(key);
            if (e == null || --e.subscriptions > 0) {
                return;
            }
            if (linger.isZero() || closed) {
                stop = e;
            } else {
                try {
                    e.linger = scheduler.schedule(() -> stopIfIdle(e), linger.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shutDown) {
                    stop = e;
                }
            }
        }
        if (stop != null) {
            stopIfIdle(stop);
        }
    }

    private void stopIfIdle(Entry e) {
        SharedWatchStream.Watch watch;
        synchronized (this) {
            if (e.subscriptions > 0 || rooms.get(e.key) != e) {
                return; // someone subscribed again meanwhile
            }
            rooms.remove(e.key);
            sink.interestEnded(e.key);
            watch = e.watch;
            e.watch = null;
            e.linger = null;
        }
        if (watch != null) {
            watch.cancel();
        }
    }

    /**
     * Reads the room for a subscription of it (held in {@link #hold}), starting the room's watch at
     * the read's revision + 1 when none runs.
     */
    CompletableFuture<RoomStream.RoomState> read(Subscriptions.RoomKey key) {
        Entry e;
        CompletableFuture<Void> wait;
        synchronized (this) {
            e = rooms.get(key);
            if (e == null || e.watch != null) {
                // running (this read completes after the one that started it), or nobody left to serve
                return reader.apply(key);
            }
            wait = e.starting;
            if (wait == null) {
                e.starting = new CompletableFuture<>();
            }
        }
        if (wait != null) {
            // Whatever that start's outcome, look again: running, or this read leads a new start.
            return wait.handle((v, error) -> null).thenCompose(v -> read(key));
        }
        return reader.apply(key).whenComplete((state, error) -> started(e, state, error));
    }

    private void started(Entry e, RoomStream.RoomState state, Throwable error) {
        CompletableFuture<Void> starting;
        synchronized (this) {
            starting = e.starting;
            e.starting = null;
            if (error == null && !closed && rooms.get(e.key) == e && e.watch == null) {
                int generation = ++e.generation;
                // One past the read: the first event the read did not see.
                e.watch = stream.watchPrefix(keys.roomLog(e.key.namespace(), e.key.room()), state.revision() + 1,
                        new Listener(e, generation));
            }
        }
        if (starting != null) {
            starting.complete(null);
        }
    }

    /** Room log puts this node received. */
    long received() {
        return received.sum();
    }

    /** Rooms with a watch running or starting, lingering ones included. */
    synchronized int rooms() {
        return rooms.size();
    }

    @Override
    public void close() {
        List<SharedWatchStream.Watch> open = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Entry e : rooms.values()) {
                sink.interestEnded(e.key);
                if (e.linger != null) {
                    e.linger.cancel(false);
                }
                if (e.watch != null) {
                    open.add(e.watch);
                }
            }
            rooms.clear();
        }
        open.forEach(SharedWatchStream.Watch::cancel);
    }

    /** One room watch's events, on the delivery executor. */
    private final class Listener implements WatchListener {

        private final Entry entry;
        private final int generation;
        private final int prefixLength;

        Listener(Entry entry, int generation) {
            this.entry = entry;
            this.generation = generation;
            this.prefixLength = keys.roomLog(entry.key.namespace(), entry.key.room()).length();
        }

        @Override
        public void onPuts(List<WatchedPut> puts) {
            received.add(puts.size());
            for (WatchedPut put : puts) {
                long seq;
                List<RoomLog.Entry> events;
                try {
                    seq = Long.parseLong(put.key().substring(prefixLength));
                    events = LogEntries.entries(seq, put.value());
                } catch (IllegalArgumentException e) { // NumberFormatException too
                    LOG.warn("ignoring room log key {}, which this version cannot read ({}): something else writes under"
                            + " etcd.keyPrefix. Give each environment its own prefix and run one version on every"
                            + " node", put.key(), e.getMessage());
                    continue;
                }
                for (RoomLog.Entry event : events) {
                    sink.roomEvent(entry.key, event.seq(), event.frame());
                }
            }
        }

        @Override
        public void onEnd(WatchEnd end) {
            CompletableFuture<Void> reserved;
            synchronized (RoomWatches.this) {
                if (closed || rooms.get(entry.key) != entry || entry.generation != generation) {
                    return; // cancelled meanwhile, or already replaced
                }
                entry.watch = null;
                // Reserved until the subscriptions are held: a read must not restart the watch and let
                // events through to a subscription that is still live and missed some.
                reserved = new CompletableFuture<>();
                entry.starting = reserved;
            }
            long delay = switch (end) {
                case WatchEnd.Compacted c -> {
                    LOG.warn("room {} watch was compacted at {} (this node lagged etcd by more than"
                            + " etcd.compactionInterval); sending its subscribers a snapshot. If it repeats, look for"
                            + " what slows the node (CPU, GC pauses, etcd latency)", entry.key.room(),
                            c.compactRevision());
                    yield 0;
                }
                case WatchEnd.Refused r -> {
                    LOG.error("etcd refused the watch of room {} ({}); retrying in {} ms, its events are not pushed"
                            + " meanwhile. With etcd auth, check that the gamestate user may read etcd.keyPrefix",
                            entry.key.room(), r.reason(), REFUSED_RETRY_MS);
                    yield REFUSED_RETRY_MS;
                }
            };
            try {
                sink.watchLost(entry.key);
            } finally {
                if (delay == 0) {
                    unreserve(reserved);
                } else {
                    try {
                        scheduler.schedule(() -> unreserve(reserved), delay, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException shutDown) {
                        unreserve(reserved);
                    }
                }
            }
        }

        private void unreserve(CompletableFuture<Void> reserved) {
            synchronized (RoomWatches.this) {
                if (entry.starting == reserved) {
                    entry.starting = null;
                }
            }
            reserved.complete(null);
        }
    }
}
