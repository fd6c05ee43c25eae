package dev.gamestate.protocol;

import dev.gamestate.core.GameException;
import java.util.Objects;
import java.util.Optional;

/**
 * A request that could not be turned into an event, with the request id when one could be read so
 * the error reply can carry it.
 */
public final class FrameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Optional<String> requestId;
    private final GameException error;

    FrameException(Optional<String> requestId, GameException error) {
        super(error.getMessage(), error, false, false);
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.error = error;
    }

    /** The frame's id, when it had a readable one. */
    public Optional<String> requestId() {
        return requestId;
    }

    /** What to answer. */
    public GameException error() {
        return error;
    }
}
