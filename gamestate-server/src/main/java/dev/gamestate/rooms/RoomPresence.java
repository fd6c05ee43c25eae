package dev.gamestate.rooms;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Outbox;
import dev.gamestate.event.Push;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.SharedWatchStream;
import dev.gamestate.state.SubscriberRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One room's presence on this node: the room's members over every node ({@link PresenceView}), what
 * its subscribers here were last told ({@link Roster}), and the pushes that tell them the rest.
 *
 * <p>Changes are gathered: the first change after a quiet spell arms one timer, the changes until it
 * fires ride along, and it pushes at most one event, the difference between what was told and what
 * is. So a room's subscribers get at most one presence event per {@code interval} from this node,
 * a burst of joins becomes one event, and a user who leaves and comes back within it is no event.
 *
 * <p>A {@code presence} reply is what was last told ({@link #hold}); until its reply is queued the
 * connection is held (pushes skip it), and {@link #release} then pushes it the difference to what
 * was told meanwhile, if any. So the reply and the events after it always add up.
 *
 * <p>The other nodes' records come from etcd, through its owner: {@link #loading} a new read,
 * {@link #loaded} its result (told at once), then {@link #changed} for each change its watch brings;
 * a generation number drops what an older read or watch still delivers.
 */
final class RoomPresence {

    /** A change of one other node's record: written, or gone (empty). */
    record NodeRecord(String node, Optional<SubscriberRecord> record) {
    }

    /** A connection held for a reply: what the reply told, and how many replies are in flight. */
    private static final class Hold {
        Roster told;
        int replies = 1;

        Hold(Roster told) {
            this.told = told;
        }
    }

    private final Subscriptions.RoomKey key;
    private final PresenceView view;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Supplier<Map<String, Integer>> local;
    private final Supplier<List<Connection>> recipients;
    private final Function<PresenceEvent, Push> encoder;
    private final Outbox outbox;
    private final PresenceCounters counters;

    // Guarded by this.
    private Roster told = Roster.EMPTY;
    private boolean loaded;
    private CompletableFuture<Void> ready = new CompletableFuture<>();
    private int generation;
    private SharedWatchStream.Watch watch;
    private ScheduledFuture<?> push;
    private ScheduledFuture<?> retry;
    private final Map<Connection, Hold> holds = new HashMap<>();
    private boolean closed;

    /**
     * The presence of room {@code key}.
     *
     * @param maxMembers the most users it lists
     * @param interval   the least time between two of its events
     * @param scheduler  runs its timers
     * @param local      this node's subscribers of the room: user id → sessions
     * @param recipients the connections its events go to (subscriptions whose ack went out)
     * @param encoder    an event as a frame
     * @param outbox     queues frames to connections
     * @param counters   its metrics
     */
    RoomPresence(Subscriptions.RoomKey key, int maxMembers, Duration interval, ScheduledExecutorService scheduler,
                 Supplier<Map<String, Integer>> local, Supplier<List<Connection>> recipients,
                 Function<PresenceEvent, Push> encoder, Outbox outbox, PresenceCounters counters) {
        this.key = key;
        this.view = new PresenceView(maxMembers);
        this.interval = interval;
        this.scheduler = scheduler;
        this.local = local;
        this.recipients = recipients;
        this.encoder = encoder;
        this.outbox = outbox;
        this.counters = counters;
    }

    Subscriptions.RoomKey key() {
        return key;
    }

    /** A read of the other nodes' records begins; answers its generation. */
    synchronized int loading() {
        if (ready.isCompletedExceptionally()) {
            ready = new CompletableFuture<>(); // requests wait for this read, not the one that failed
        }
        return ++generation;
    }

    /**
     * The read of {@code generation} brought {@code records} (node id → record, this node's left
     * out): the view is replaced and told at once.
     *
     * @return false when it came too late (closed, or another read began): drop it
     */
    boolean loaded(int generation, Map<String, SubscriberRecord> records) {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            if (closed || generation != this.generation) {
                return false;
            }
            view.replace(records);
            loaded = true;
            tell();
            waiting = ready;
        }
        waiting.complete(null);
        return true;
    }

    /**
     * The read of {@code generation} failed: requests waiting for the first read fail too.
     *
     * @return false when it no longer matters (closed, or another read began)
     */
    boolean failed(int generation, Throwable error) {
        CompletableFuture<Void> waiting;
        synchronized (this) {
            if (closed || generation != this.generation) {
                return false;
            }
            waiting = ready;
        }
        waiting.completeExceptionally(Etcd.unavailable(error));
        return true;
    }

    /**
     * The watch started after the read of {@code generation}.
     *
     * @return false when it must be cancelled (closed, or another read began)
     */
    synchronized boolean watching(int generation, SharedWatchStream.Watch started) {
        if (closed || generation != this.generation) {
            return false;
        }
        watch = started;
        return true;
    }

    /** Other nodes' records changed, as the watch of {@code generation} says. */
    synchronized void changed(int generation, List<NodeRecord> changes) {
        if (closed || generation != this.generation) {
            return;
        }
        for (NodeRecord change : changes) {
            change.record().ifPresentOrElse(r -> view.put(change.node(), r), () -> view.remove(change.node()));
        }
        arm();
    }

    /** This node's subscribers of the room changed. */
    synchronized void localChanged() {
        arm();
    }

    /** Runs {@code task} (a read again) after {@code delayMs}, unless closed first. */
    synchronized void later(Runnable task, long delayMs) {
        if (closed) {
            return;
        }
        if (retry != null) {
            retry.cancel(false); // one read again at a time: the newer one does for both
        }
        try {
            retry = scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            // the node is shutting down
        }
    }

    /**
     * Once the room was read: what its subscribers were last told, as a {@code presence} reply for
     * {@code connection}, which is held until {@link #release}.
     */
    CompletableFuture<PresenceResult> hold(Connection connection) {
        CompletableFuture<Void> first;
        synchronized (this) {
            first = ready;
        }
        return first.thenApply(v -> {
            synchronized (this) {
                Hold held = holds.get(connection);
                if (held == null) {
                    holds.put(connection, new Hold(told));
                } else {
                    held.told = told; // the newer reply is the one the next event must follow
                    held.replies++;
                }
                return told.result(key.room());
            }
        });
    }

    /** The reply of {@link #hold} was queued: pushes to {@code connection} what was told since. */
    synchronized void release(Connection connection) {
        Hold held = holds.get(connection);
        if (held == null || --held.replies > 0) {
            return;
        }
        holds.remove(connection);
        Optional<PresenceEvent> missed = Roster.change(key.room(), held.told, told);
        if (missed.isPresent() && !closed) {
            connection.push(encoder.apply(missed.get()));
            counters.pushed();
        }
    }

    /** {@code connection} left the room: nothing is held for it. */
    synchronized void forget(Connection connection) {
        holds.remove(connection);
    }

    /** Rooms of interest that were read at least once. */
    synchronized boolean isLoaded() {
        return loaded;
    }

    /** Connections held for a reply, for tests. */
    synchronized int held() {
        return holds.size();
    }

    /** Stops the watch and the timers; requests still waiting for the first read fail. */
    void close() {
        SharedWatchStream.Watch stop;
        CompletableFuture<Void> waiting;
        synchronized (this) {
            closed = true;
            stop = watch;
            watch = null;
            if (push != null) {
                push.cancel(false);
                push = null;
            }
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            holds.clear();
            waiting = ready;
        }
        if (stop != null) {
            stop.cancel();
        }
        waiting.completeExceptionally(new GameException(ErrorCode.UNAVAILABLE,
                "presence of room " + key.room() + " stopped; subscribe again", 1000));
    }

    /** Arms the push timer unless it runs already; on the lock. */
    private void arm() {
        if (closed || !loaded || push != null) {
            return;
        }
        try {
            push = scheduler.schedule(this::pushNow, interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            // the node is shutting down
        }
    }

    private synchronized void pushNow() {
        push = null;
        if (!closed) {
            tell();
        }
    }

    /** Tells the subscribers what changed since they were last told; on the lock. */
    private void tell() {
        Roster now = view.roster(local.get());
        Optional<PresenceEvent> change = Roster.change(key.room(), told, now);
        told = now;
        if (change.isEmpty()) {
            return;
        }
        List<Connection> to = new ArrayList<>();
        for (Connection connection : recipients.get()) {
            if (!holds.containsKey(connection)) {
                to.add(connection);
            }
        }
        if (to.isEmpty()) {
            return; // told to nobody: a held connection gets it on release, a later subscriber asks
        }
        counters.event(to.size());
        // Pushed under the lock: a later event or a release never overtakes this one.
        outbox.pushAll(encoder.apply(change.get()), to);
    }
}
