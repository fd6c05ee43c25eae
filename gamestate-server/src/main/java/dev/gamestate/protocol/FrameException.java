package dev.gamestate.protocol;

import dev.gamestate.core.GameException;
import java.util.Objects;

/**
 * A request that could not be turned into an event, with the request id when one could be read so
 * the error reply can carry it.
 */
public final class FrameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ReplyId requestId;
    private final GameException error;

    FrameException(ReplyId requestId, GameException error) {
        super(error.getMessage(), error, false, false);
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.error = error;
    }

    /** The frame's id, or {@link ReplyId#none()} when it had no readable one. */
    public ReplyId requestId() {
        return requestId;
    }

    /** What to answer. */
    public GameException error() {
        return error;
    }
}
