package dev.gamestate.state;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An append waiting for its commit, since {@code queuedNanos} ({@link System#nanoTime}); {@code once}
 * when it may be committed at most once (a request id).
 */
record PendingAppend(RoomCommitter.Append append, CompletableFuture<RoomCommitter.Appended> done, long queuedNanos,
                     Optional<RoomCommitter.Once> once) {
}
