package dev.gamestate.event;

import java.util.concurrent.CompletableFuture;

/** Told when connections come and go on this node, so services can set up and clean up. */
public interface ConnectionListener {

    /** {@code connection} got its {@code welcome}; pushes may follow it. */
    default void opened(Connection connection) {
    }

    /**
     * {@code connection} was {@link Connection#congested} and has drained below its low mark: what was
     * held back for it can be caught up now.
     */
    default void drained(Connection connection) {
    }

    /**
     * What the transport calls when {@code connection} got its {@code welcome}. The handshake counts
     * as unfinished (against {@code server.maxPendingHandshakes}) until the returned future completes.
     * By default: {@link #opened}, done at once.
     */
    default CompletableFuture<Void> opening(Connection connection) {
        opened(connection);
        return CompletableFuture.completedFuture(null);
    }

    /** {@code connection} is gone; drop everything held for it. */
    default void closed(Connection connection) {
    }
}
