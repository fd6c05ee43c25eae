package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one watch over {@code stream/}: room logs, user notifications and inboxes. It resumes
 * where it stopped whenever jetcd ends the watch (errors, lost leader, closed stream), and tells the
 * listeners to resync when etcd compacted past that point.
 *
 * <p>jetcd's callback thread only hands each watch response to the {@code dispatch} executor (one
 * thread, FIFO, bounded: when it is full the callback waits, which holds back etcd's stream); the
 * listeners run there, one response at a time, in revision order.
 *
 * <p>Every key one transaction writes shares its revision, so an event is known by (mod revision,
 * key), never by the revision alone. A restarted watch resumes at the last revision it received,
 * inclusive, and the events of that revision already delivered are dropped by that pair.
 */
public final class StreamWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWatch.class);
    private static final long RETRY_MS = 500;

    private final Etcd etcd;
    private final List<StreamListener> listeners;
    private final ScheduledExecutorService scheduler;
    private final SerialExecutor dispatch;
    private final String prefix;

    // Where a restarted watch starts: the newest revision received (inclusive), or one past a
    // progress notification. Written by jetcd's callback thread.
    private volatile long resumeAt;
    // Dedupe state, touched only on the dispatch thread: the newest revision delivered and the keys
    // of that revision delivered so far.
    private long lastRevision;
    private final Set<ByteSequence> keysAtLastRevision = new HashSet<>();
    private final LongAdder roomEvents = new LongAdder();
    private final LongAdder userEvents = new LongAdder();
    private final LongAdder inboxEvents = new LongAdder();
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;
    private volatile int generation;

    /**
     * A watch that feeds {@code listeners} on {@code dispatch}; restarts are scheduled on
     * {@code scheduler}.
     */
    public StreamWatch(Etcd etcd, List<StreamListener> listeners, ScheduledExecutorService scheduler,
                       SerialExecutor dispatch) {
        this.etcd = etcd;
        this.listeners = List.copyOf(listeners);
        this.scheduler = scheduler;
        this.dispatch = dispatch;
        this.prefix = etcd.keys().stream();
    }

    /** Starts watching from etcd's current revision + 1. */
    public CompletableFuture<Void> start() {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(prefix), GetOption.builder().withCountOnly(true).build()))
                .thenAccept(r -> {
                    resumeAt = r.getHeader().getRevision() + 1;
                    open();
                });
    }

    /** Room log entries this node received from etcd. */
    public long roomEventsReceived() {
        return roomEvents.sum();
    }

    /** User notifications this node received from etcd. */
    public long userEventsReceived() {
        return userEvents.sum();
    }

    /** Inbox messages this node received from etcd. */
    public long inboxEventsReceived() {
        return inboxEvents.sum();
    }

    /** The revision a restarted watch would start at. */
    public long resumeRevision() {
        return resumeAt;
    }

    // jetcd calls a watch listener while holding its own lock, and takes that lock in watch() and
    // close(): this class never calls jetcd while holding its monitor, or the two deadlock.
    private void open() {
        int gen;
        synchronized (this) {
            if (closed) {
                return;
            }
            gen = ++generation;
        }
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(resumeAt)
                .withNoDelete(true)
                .withProgressNotify(true)
                .withRequireLeader(true)
                .build();
        Watch.Watcher opened = etcd.watch().watch(Keys.bytes(prefix), option, new Listener(gen));
        boolean current;
        synchronized (this) {
            current = !closed && gen == generation;
            if (current) {
                watcher = opened;
            }
        }
        if (current) {
            LOG.debug("watching {} from revision {}", prefix, resumeAt);
        } else {
            opened.close(); // closed, or already failed and reopened, while it was being opened
        }
    }

    /** Ends the current watch and opens another where it stopped, as jetcd's errors do. */
    void restart() {
        int gen;
        synchronized (this) {
            gen = generation;
        }
        reopen(gen, 0);
    }

    private void reopen(int gen, long delayMs) {
        Watch.Watcher old;
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            old = watcher;
            watcher = null;
            generation++;
        }
        if (old != null) {
            old.close();
        }
        scheduler.schedule(this::open, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Delivers one watch response's puts, on the dispatch thread, in (revision, key) order. */
    private void deliver(List<WatchEvent> events) {
        List<WatchEvent> puts = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            if (event.getEventType() == WatchEvent.EventType.PUT) {
                puts.add(event);
            }
        }
        // One revision's keys in key order: a room's log entries written by one transaction then come
        // in seq order (seqs are zero-padded), whatever order the transaction listed them in.
        puts.sort(Comparator.comparingLong((WatchEvent e) -> e.getKeyValue().getModRevision())
                .thenComparing(e -> e.getKeyValue().getKey(), StreamWatch::compareBytes));
        for (WatchEvent event : puts) {
            if (isNew(event.getKeyValue())) {
                route(event.getKeyValue());
            }
        }
    }

    private boolean isNew(KeyValue kv) {
        long revision = kv.getModRevision();
        if (revision < lastRevision) {
            return false;
        }
        if (revision > lastRevision) {
            lastRevision = revision;
            keysAtLastRevision.clear();
        }
        return keysAtLastRevision.add(kv.getKey());
    }

    private static int compareBytes(ByteSequence a, ByteSequence b) {
        return Arrays.compareUnsigned(a.getBytes(), b.getBytes());
    }

    private void route(KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
        byte[] value = kv.getValue().getBytes();
        String[] parts = key.split("/", 5);
        try {
            switch (parts[0]) {
                case "rooms" -> {
                    roomEvents.increment();
                    if (parts.length == 4) {
                        Namespace ns = namespace(parts[1]);
                        long seq = Long.parseLong(parts[3]);
                        listeners.forEach(l -> l.roomEvent(ns, parts[2], seq, value));
                    }
                }
                case "users" -> {
                    userEvents.increment();
                    if (parts.length == 3) {
                        Namespace ns = namespace(parts[1]);
                        String user = Keys.unsegment(parts[2]);
                        listeners.forEach(l -> l.userNotification(ns, user, value));
                    }
                }
                case "inbox" -> {
                    inboxEvents.increment();
                    if (parts.length == 4) {
                        Namespace ns = namespace(parts[1]);
                        String user = Keys.unsegment(parts[2]);
                        String fullKey = prefix + key;
                        listeners.forEach(l -> l.inboxMessage(ns, user, fullKey, value));
                    }
                }
                default -> LOG.debug("ignoring stream key {}", key);
            }
        } catch (RuntimeException e) {
            LOG.error("stream key {} could not be delivered", key, e);
        }
    }

    private static Namespace namespace(String wire) {
        Optional<Namespace> ns = Namespace.fromWire(wire);
        return ns.orElseThrow(() -> new IllegalArgumentException("unknown namespace " + wire));
    }

    @Override
    public void close() {
        Watch.Watcher open;
        synchronized (this) {
            closed = true;
            open = watcher;
            watcher = null;
        }
        if (open != null) {
            open.close();
        }
    }

    private final class Listener implements Watch.Listener {

        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            if (gen != generation) {
                return;
            }
            List<WatchEvent> events = response.getEvents();
            if (events.isEmpty()) {
                // A progress notification: nothing of ours changed up to this revision.
                resumeAt = Math.max(resumeAt, response.getHeader().getRevision() + 1);
                return;
            }
            resumeAt = Math.max(resumeAt, events.getLast().getKeyValue().getModRevision());
            dispatch.execute(() -> deliver(events));
        }

        @Override
        public void onError(Throwable error) {
            if (closed || gen != generation) {
                return; // from a watcher already replaced or closed
            }
            if (error instanceof CompactedException compacted) {
                LOG.warn("watch resume point {} was compacted (now {}); resyncing subscribers",
                        resumeAt, compacted.getCompactedRevision());
                resumeAt = compacted.getCompactedRevision();
                // In line with the events before it, so every listener sees them first.
                dispatch.execute(() -> listeners.forEach(StreamListener::resync));
            } else {
                LOG.warn("watch on {} failed ({}); resuming at revision {}", prefix, error.toString(), resumeAt);
            }
            reopen(gen, RETRY_MS);
        }

        @Override
        public void onCompleted() {
            if (!closed && gen == generation) {
                LOG.warn("watch on {} ended; resuming at revision {}", prefix, resumeAt);
                reopen(gen, RETRY_MS);
            }
        }
    }
}
