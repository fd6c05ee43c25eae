package dev.gamestate.core;

import java.util.Objects;
import java.util.OptionalLong;

/** The one exception that carries an {@link ErrorCode} to the client. */
public final class GameException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final OptionalLong retryAfterMs;

    /** An error with a code and a message meant for the client developer. */
    public GameException(ErrorCode code, String message) {
        this(code, message, OptionalLong.empty(), null);
    }

    /** An error that tells the client when a retry makes sense. */
    public GameException(ErrorCode code, String message, long retryAfterMs) {
        this(code, message, OptionalLong.of(retryAfterMs), null);
    }

    /** An error caused by another exception that tells the client when a retry makes sense. */
    public GameException(ErrorCode code, String message, long retryAfterMs, Throwable cause) {
        this(code, message, OptionalLong.of(retryAfterMs), cause);
    }

    /** An error caused by another exception. */
    public GameException(ErrorCode code, String message, Throwable cause) {
        this(code, message, OptionalLong.empty(), cause);
    }

    private GameException(ErrorCode code, String message, OptionalLong retryAfterMs, Throwable cause) {
        super(message, cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterMs = retryAfterMs;
    }

    /** The error's code. */
    public ErrorCode code() {
        return code;
    }

    /** How long the client should wait before retrying, when that helps. */
    public OptionalLong retryAfterMs() {
        return retryAfterMs;
    }

    /** Shorthand for a {@link ErrorCode#INVALID_PAYLOAD} error. */
    public static GameException invalid(String message) {
        return new GameException(ErrorCode.INVALID_PAYLOAD, message);
    }

    /**
     * The {@link GameException} behind {@code error}, unwrapping async wrappers; anything else becomes
     * {@link ErrorCode#INTERNAL}.
     */
    public static GameException from(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof GameException ge) {
                return ge;
            }
            t = t.getCause();
        }
        return new GameException(ErrorCode.INTERNAL, "internal error", error);
    }
}
