package dev.gamestate.state;

import java.util.concurrent.CompletableFuture;

/** An append waiting for its commit, since {@code queuedNanos} ({@link System#nanoTime}). */
record PendingAppend(RoomCommitter.Append append, CompletableFuture<Long> done, long queuedNanos) {
}
