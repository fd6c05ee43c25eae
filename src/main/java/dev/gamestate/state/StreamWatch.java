package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one watch over {@code stream/}: room logs, user notifications and inboxes. It resumes at
 * the last seen revision + 1 whenever jetcd ends the watch (errors, lost leader, closed stream), and
 * tells the listener to resync when etcd compacted past that point.
 */
public final class StreamWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWatch.class);
    private static final long RETRY_MS = 500;

    private final Etcd etcd;
    private final List<StreamListener> listeners;
    private final ScheduledExecutorService scheduler;
    private final String prefix;

    private volatile long lastRevision;
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;
    private volatile int generation;

    /** A watch that feeds {@code listeners}; restarts are scheduled on {@code scheduler}. */
    public StreamWatch(Etcd etcd, List<StreamListener> listeners, ScheduledExecutorService scheduler) {
        this.etcd = etcd;
        this.listeners = List.copyOf(listeners);
        this.scheduler = scheduler;
        this.prefix = etcd.keys().stream();
    }

    /** Starts watching from etcd's current revision + 1. */
    public CompletableFuture<Void> start() {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(prefix), GetOption.builder().withCountOnly(true).build()))
                .thenAccept(r -> {
                    lastRevision = r.getHeader().getRevision();
                    open();
                });
    }

    /** The last revision this node has seen through the watch. */
    public long lastRevision() {
        return lastRevision;
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
                .withRevision(lastRevision + 1)
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
            LOG.debug("watching {} from revision {}", prefix, lastRevision + 1);
        } else {
            opened.close(); // closed, or already failed and reopened, while it was being opened
        }
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

    private void dispatch(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        long revision = kv.getModRevision();
        if (revision <= lastRevision) {
            return; // seen before a restart
        }
        lastRevision = revision;
        String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
        byte[] value = kv.getValue().getBytes();
        String[] parts = key.split("/", 5);
        try {
            switch (parts[0]) {
                case "rooms" -> {
                    if (parts.length == 4) {
                        Namespace ns = namespace(parts[1]);
                        long seq = Long.parseLong(parts[3]);
                        listeners.forEach(l -> l.roomEvent(ns, parts[2], seq, value));
                    }
                }
                case "users" -> {
                    if (parts.length == 3) {
                        Namespace ns = namespace(parts[1]);
                        String user = Keys.unsegment(parts[2]);
                        listeners.forEach(l -> l.userNotification(ns, user, value));
                    }
                }
                case "inbox" -> {
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
            for (WatchEvent event : response.getEvents()) {
                if (event.getEventType() == WatchEvent.EventType.PUT) {
                    dispatch(event);
                }
            }
            if (response.getEvents().isEmpty() && response.getHeader().getRevision() > lastRevision) {
                // A progress notification: nothing of ours changed up to this revision.
                lastRevision = response.getHeader().getRevision();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (closed || gen != generation) {
                return; // from a watcher already replaced or closed
            }
            if (error instanceof CompactedException compacted) {
                LOG.warn("watch resume point {} was compacted (now {}); resyncing subscribers",
                        lastRevision + 1, compacted.getCompactedRevision());
                lastRevision = compacted.getCompactedRevision() - 1;
                listeners.forEach(StreamListener::resync);
            } else {
                LOG.warn("watch on {} failed ({}); resuming at revision {}", prefix, error.toString(), lastRevision + 1);
            }
            reopen(gen, RETRY_MS);
        }

        @Override
        public void onCompleted() {
            if (!closed && gen == generation) {
                LOG.warn("watch on {} ended; resuming at revision {}", prefix, lastRevision + 1);
                reopen(gen, RETRY_MS);
            }
        }
    }
}
