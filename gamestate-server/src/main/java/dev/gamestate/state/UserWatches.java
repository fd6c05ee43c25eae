package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's watches of users: a user's notification key and inbox, watched while the user has at
 * least one session on this node, delivered to a {@link StreamListener}.
 *
 * <p>The first session of a user starts them at a revision read before {@link #open} completes, + 1.
 * The caller commits the session record only after that, so the record's revision is higher: a
 * notification or inbox message committed after the record exists is at least at the watch's start.
 * Later sessions of the user wait for the same start. The last session to {@link #close} cancels them.
 */
public final class UserWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UserWatches.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";

    private record User(Namespace ns, String userId) {
    }

    /** One user's interest. Guarded by the enclosing instance. */
    private static final class Entry {
        final User user;
        // Few sessions per user (usually one): a small list, not a hash set.
        final List<String> sessions = new ArrayList<>(1);
        CompletableFuture<Void> started;
        List<SharedWatchStream.Watch> watches = new ArrayList<>(2);

        Entry(User user) {
            this.user = user;
        }
    }

    private final Etcd etcd;
    private final SharedWatchStream stream;
    private final StreamListener listener;
    private final Map<User, Entry> users = new HashMap<>();
    private final LongAdder notifications = new LongAdder();
    private final LongAdder inboxMessages = new LongAdder();
    // The revision read in flight, shared by every first session that asks while it is: its answer is
    // from before any of their records is committed, which is all the start needs.
    private CompletableFuture<Long> revisionRead;
    private boolean closed;

    /** Watches on {@code stream}, feeding {@code listener} (on the stream's delivery executor). */
    public UserWatches(Etcd etcd, SharedWatchStream stream, StreamListener listener) {
        this.etcd = etcd;
        this.stream = stream;
        this.listener = listener;
    }

    /**
     * A session of {@code userId} is opening here; completes (never exceptionally) once the user's
     * watches are created at a revision read after this call, + 1. Commit the session record after.
     * When etcd cannot be read the watches start from whenever etcd creates them.
     */
    public CompletableFuture<Void> open(Namespace ns, String userId, String sessionId) {
        Entry e;
        synchronized (this) {
            e = users.computeIfAbsent(new User(ns, userId), Entry::new);
            if (!e.sessions.contains(sessionId)) {
                e.sessions.add(sessionId);
            }
            if (e.started != null) {
                return e.started;
            }
            e.started = new CompletableFuture<>();
        }
        CompletableFuture<Void> started = e.started;
        currentRevision().whenComplete((revision, error) -> {
            if (error != null) {
                LOG.warn("could not read etcd's revision for the watches of {} ({}); watching from now: a message or"
                        + " kick sent this instant may reach the user only through the inbox." + CHECK_ETCD, userId,
                        error.getMessage());
            }
            start(e, error == null ? revision + 1 : 0);
            started.complete(null);
        });
        return started;
    }

    /** A session of {@code userId} closed here; the last one's close cancels the user's watches. */
    public void close(Namespace ns, String userId, String sessionId) {
        List<SharedWatchStream.Watch> cancel;
        synchronized (this) {
            User user = new User(ns, userId);
            Entry e = users.get(user);
            if (e == null || !e.sessions.remove(sessionId) || !e.sessions.isEmpty()) {
                return;
            }
            users.remove(user);
            cancel = e.watches;
            e.watches = new ArrayList<>();
        }
        cancel.forEach(SharedWatchStream.Watch::cancel);
    }

    private synchronized CompletableFuture<Long> currentRevision() {
        if (revisionRead != null) {
            return revisionRead;
        }
        // A get of one key nobody writes: the header's revision is all it is for.
        CompletableFuture<Long> read = etcd.call(EtcdOp.RANGE, () -> etcd.kv().get(Keys.bytes(etcd.keys().stream())))
                .thenApply(r -> r.getHeader().getRevision());
        revisionRead = read;
        read.whenComplete((r, error) -> {
            synchronized (this) {
                if (revisionRead == read) {
                    revisionRead = null;
                }
            }
        });
        return read;
    }

    private synchronized void start(Entry e, long from) {
        if (closed || users.get(e.user) != e) {
            return; // every session of the user closed meanwhile
        }
        Keys keys = etcd.keys();
        e.watches.add(watch(e, keys.userNotify(e.user.ns(), e.user.userId()), false, from));
        e.watches.add(watch(e, keys.inbox(e.user.ns(), e.user.userId()), true, from));
    }

    /** Caller holds this. */
    private SharedWatchStream.Watch watch(Entry e, String key, boolean inbox, long from) {
        WatchListener onPuts = new WatchListener() {
            @Override
            public void onPuts(List<WatchedPut> puts) {
                (inbox ? inboxMessages : notifications).add(puts.size());
                for (WatchedPut put : puts) {
                    try {
                        if (inbox) {
                            listener.inboxMessage(e.user.ns(), e.user.userId(), put.key(), put.value());
                        } else {
                            listener.userNotification(e.user.ns(), e.user.userId(), put.value());
                        }
                    } catch (RuntimeException error) {
                        LOG.error("{} could not be delivered to the user's sessions here. A bug: report it with this"
                                + " stack trace", put.key(), error);
                    }
                }
            }

            @Override
            public void onEnd(WatchEnd end) {
                ended(e, key, inbox, end);
            }
        };
        return inbox ? stream.watchPrefix(key, from, onPuts) : stream.watch(key, "", from, onPuts);
    }

    /**
     * A watch etcd ended. After a compaction it starts again at the compaction: what fell in between
     * is lost to live delivery (as it was with one watch per node); inbox messages among it stay in
     * the inbox for the user's next connection.
     */
    private void ended(Entry e, String key, boolean inbox, WatchEnd end) {
        switch (end) {
            case WatchEnd.Compacted c -> {
                LOG.warn("watch of {} was compacted at {} (this node lagged etcd by more than"
                        + " etcd.compactionInterval); watching again from there, what came between reaches the user"
                        + " only through its inbox. If it repeats, look for what slows the node (CPU, GC pauses,"
                        + " etcd latency)", key, c.compactRevision());
                synchronized (this) {
                    if (!closed && users.get(e.user) == e) {
                        e.watches.add(watch(e, key, inbox, c.compactRevision()));
                    }
                }
            }
            case WatchEnd.Refused r -> LOG.error("etcd refused the watch of {} ({}): direct messages and kicks do"
                    + " not reach that user's sessions here until they reconnect. With etcd auth, check that the"
                    + " gamestate user may read etcd.keyPrefix", key, r.reason());
        }
    }

    /** User notifications this node received. */
    public long notificationsReceived() {
        return notifications.sum();
    }

    /** Inbox messages this node received. */
    public long inboxMessagesReceived() {
        return inboxMessages.sum();
    }

    /** Users this node watches. */
    public synchronized int users() {
        return users.size();
    }

    /** Cancels every user watch. */
    @Override
    public void close() {
        List<SharedWatchStream.Watch> cancel = new ArrayList<>();
        synchronized (this) {
            closed = true;
            users.values().forEach(e -> cancel.addAll(e.watches));
            users.clear();
        }
        cancel.forEach(SharedWatchStream.Watch::cancel);
    }
}
