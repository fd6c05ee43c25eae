package dev.gamestate.state;

import dev.gamestate.core.Namespace;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Users' inboxes: direct messages parked for a user at {@code stream/inbox/<ns>/<user>/<messageId>},
 * under a shared bucket lease that expires them, and claimed by whoever deletes one first. Message ids
 * sort by time, so key order is delivery order. Calls that cannot reach etcd fail with
 * {@code unavailable}.
 */
public interface InboxStore {

    /** Inboxes in {@code etcd}, their messages expiring about {@code ttl} after they were parked. */
    static InboxStore inEtcd(Etcd etcd, Duration ttl, Clock clock) {
        return new EtcdInboxStore(etcd, new LeaseBuckets(etcd, ttl, clock));
    }

    /**
     * A message waiting in an inbox.
     *
     * @param key   its full key, what {@link #claim} takes
     * @param frame the encoded frame
     */
    record Parked(String key, byte[] frame) {
    }

    /** How many messages wait for {@code userId}. */
    CompletableFuture<Long> count(Namespace ns, String userId);

    /**
     * Parks {@code frame} for {@code userId} under the current bucket lease. {@link LeaseGone} when that
     * lease had expired: it is forgotten, and parking again uses a fresh one.
     */
    CompletableFuture<LeasedWrite> park(Namespace ns, String userId, String messageId, byte[] frame);

    /** Up to {@code limit} waiting messages of {@code userId}, oldest first, with keys after {@code afterKey} ("" for all). */
    CompletableFuture<List<Parked>> page(Namespace ns, String userId, String afterKey, int limit);

    /** Takes the message at {@code key} out of its inbox: {@link Committed} for the one caller that did, else {@link Conflict}. */
    CompletableFuture<GuardedWrite> claim(String key);
}
