package dev.gamestate.messaging;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.state.Committed;
import dev.gamestate.state.Conflict;
import dev.gamestate.state.InboxStore;
import dev.gamestate.state.LeaseGone;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Direct messages waiting for a user with no live session, kept in the {@link InboxStore} (expiring
 * after {@code messaging.inboxTtl}). Message ids sort by time, so key order is delivery order. A
 * message is delivered by whoever takes it out first ({@link #claim}), so two nodes or two sessions
 * never both push it.
 */
final class Inbox {

    /** Messages read per page: frames may be large, responses must stay small. */
    static final int PAGE = 32;

    /** A waiting message: its full key and its frame. */
    record Waiting(String key, byte[] frame) {
    }

    private final InboxStore store;
    private final GameConfig.Messaging config;

    Inbox(InboxStore store, GameConfig.Messaging config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Keeps {@code frame} for {@code userId}. The bound is checked with a count before the put, so
     * senders racing on the last free place may pass it by a few.
     *
     * @throws GameException {@code limit_exceeded} when the inbox is full
     */
    CompletableFuture<Void> keep(Namespace ns, String userId, String messageId, byte[] frame) {
        return store.count(ns, userId).thenCompose(count -> {
            if (count >= config.inboxMaxMessages()) {
                throw new GameException(ErrorCode.LIMIT_EXCEEDED,
                        "the inbox of " + userId + " is full (" + config.inboxMaxMessages() + " messages)");
            }
            return park(ns, userId, messageId, frame, true);
        });
    }

    private CompletableFuture<Void> park(Namespace ns, String userId, String messageId, byte[] frame,
                                         boolean retryOnLostLease) {
        return store.park(ns, userId, messageId, frame).thenCompose(written -> switch (written) {
            case Committed c -> CompletableFuture.<Void>completedFuture(null);
            case LeaseGone gone -> {
                if (!retryOnLostLease) {
                    throw new GameException(ErrorCode.UNAVAILABLE, "the inbox lease was lost", 200);
                }
                yield park(ns, userId, messageId, frame, false);
            }
        });
    }

    /** Up to {@link #PAGE} waiting messages of a user, oldest first, with keys after {@code after}. */
    CompletableFuture<List<Waiting>> page(Namespace ns, String userId, String after) {
        return store.page(ns, userId, after, PAGE).thenApply(page -> page.stream()
                .map(parked -> new Waiting(parked.key(), parked.frame()))
                .toList());
    }

    /** Takes the message at {@code key} out of the inbox; true only for the one caller that did. */
    CompletableFuture<Boolean> claim(String key) {
        return store.claim(key).thenApply(written -> switch (written) {
            case Committed c -> true;
            case Conflict taken -> false;
        });
    }
}
