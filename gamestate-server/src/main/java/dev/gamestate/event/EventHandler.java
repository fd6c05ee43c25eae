package dev.gamestate.event;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one request type. Completing exceptionally with a {@link dev.gamestate.core.GameException}
 * answers the client with that error.
 *
 * @param <P> the payload type the handler receives, with no cast of its own
 */
@FunctionalInterface
public interface EventHandler<P extends EventPayload> {

    /** Handles {@code event} sent on {@code caller}. */
    CompletableFuture<Reply> handle(Event<P> event, Connection caller);
}
