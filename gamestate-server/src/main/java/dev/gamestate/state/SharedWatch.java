package dev.gamestate.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on the shared stream: its range, whether it wants deletes, where it resumes, and the
 * delivery to its listener with the duplicates a resumed watch brings dropped.
 */
final class SharedWatch implements SharedWatchStream.Watch {

    private static final Logger LOG = LoggerFactory.getLogger(SharedWatch.class);
    private static final Comparator<WatchedChange> REVISION_THEN_KEY =
            Comparator.comparingLong(WatchedChange::modRevision).thenComparing(WatchedChange::key);

    final WatchRange range;
    /** Deletes are delivered too; otherwise etcd filters them out. */
    final boolean deletes;
    private final ChangeListener listener;
    private final GrpcSharedWatchStream owner;

    // Guarded by the owner's lock. Where a re-created watch starts: the newest revision received
    // (inclusive: a revision's keys may span a reconnect), or one past a progress notification.
    // 0 until a watch "from now" is created.
    private long resumeAt;
    // Guarded by the owner's lock: the stream this watch is created on, or null while it waits.
    private WatchSession session;
    // Guarded by the owner's lock: the token generation etcd first denied this watch with, or -1.
    private long deniedWithToken = -1;

    private volatile boolean stopped;

    // Touched only by delivery tasks, which run one at a time: the newest revision delivered and the
    // keys of it delivered so far. An event is known by (revision, key), never by revision alone.
    // Most revisions carry one key per watch: the first is a field, a set only from the second on
    // (a node holds two watches per connected user; each set would cost ~150 bytes).
    private long lastRevision;
    private String firstKeyAtLastRevision;
    private Set<String> moreKeysAtLastRevision;

    /** A watch of puts only. */
    SharedWatch(WatchRange range, long startRevision, WatchListener listener, GrpcSharedWatchStream owner) {
        this(range, startRevision, false, putsOnly(listener), owner);
    }

    /** A watch of puts and, when {@code deletes}, deletes. */
    SharedWatch(WatchRange range, long startRevision, boolean deletes, ChangeListener listener,
                GrpcSharedWatchStream owner) {
        this.range = range;
        this.deletes = deletes;
        this.resumeAt = Math.max(0, startRevision);
        this.listener = listener;
        this.owner = owner;
    }

    /** {@code listener} as a listener of changes; a watch of puts only is never handed a delete. */
    private static ChangeListener putsOnly(WatchListener listener) {
        return new ChangeListener() {
            @Override
            public void onChanges(List<WatchedChange> changes) {
                List<WatchedPut> puts = new ArrayList<>(changes.size());
                for (WatchedChange change : changes) {
                    if (change instanceof WatchedPut put) {
                        puts.add(put);
                    }
                }
                if (!puts.isEmpty()) {
                    listener.onPuts(puts);
                }
            }

            @Override
            public void onEnd(WatchEnd end) {
                listener.onEnd(end);
            }
        };
    }

    @Override
    public void cancel() {
        if (!stopped) {
            stopped = true;
            owner.cancel(this);
        }
    }

    @Override
    public long resumeRevision() {
        synchronized (owner) {
            return resumeAt;
        }
    }

    /** Caller holds the owner's lock. */
    long resumeAt() {
        return resumeAt;
    }

    /** Caller holds the owner's lock. Moves the resume point forward, never back. */
    void resumeFrom(long revision) {
        resumeAt = Math.max(resumeAt, revision);
    }

    /** Caller holds the owner's lock. */
    WatchSession session() {
        return session;
    }

    /** Caller holds the owner's lock. */
    void bind(WatchSession session) {
        this.session = session;
    }

    /** Caller holds the owner's lock. */
    long deniedWithToken() {
        return deniedWithToken;
    }

    /** Caller holds the owner's lock. */
    void deniedWith(long tokenGeneration) {
        deniedWithToken = tokenGeneration;
    }

    /** Delivers nothing more: the stream is closing. */
    void stop() {
        stopped = true;
    }

    /** A delivery task: the changes not delivered before, in (revision, key) order. */
    void deliver(List<? extends WatchedChange> changes) {
        if (stopped) {
            return;
        }
        List<WatchedChange> sorted = new ArrayList<>(changes);
        sorted.sort(REVISION_THEN_KEY);
        List<WatchedChange> fresh = new ArrayList<>(sorted.size());
        for (WatchedChange change : sorted) {
            if (isNew(change)) {
                fresh.add(change);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        try {
            listener.onChanges(fresh);
        } catch (RuntimeException e) {
            LOG.error("a watch listener failed on {} changes from revision {}: their subscribers may miss them"
                    + " until they resubscribe. A bug: report it with this stack trace", fresh.size(),
                    fresh.getFirst().modRevision(), e);
        }
    }

    /** A delivery task: etcd ended the watch. */
    void end(WatchEnd end) {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            listener.onEnd(end);
        } catch (RuntimeException e) {
            LOG.error("a watch listener failed on {}: that watch may not start again until its subscribers"
                    + " reconnect. A bug: report it with this stack trace", end, e);
        }
    }

    private boolean isNew(WatchedChange put) {
        long revision = put.modRevision();
        if (revision < lastRevision) {
            return false;
        }
        if (revision > lastRevision || firstKeyAtLastRevision == null) {
            lastRevision = revision;
            firstKeyAtLastRevision = put.key();
            moreKeysAtLastRevision = null;
            return true;
        }
        if (firstKeyAtLastRevision.equals(put.key())) {
            return false;
        }
        if (moreKeysAtLastRevision == null) {
            moreKeysAtLastRevision = new HashSet<>();
        }
        return moreKeysAtLastRevision.add(put.key());
    }

    @Override
    public String toString() {
        return "watch " + range;
    }
}
