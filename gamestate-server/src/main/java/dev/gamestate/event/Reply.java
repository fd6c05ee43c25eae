package dev.gamestate.event;

import java.util.Objects;

/**
 * What a handler answers: the ack's result and, optionally, work that must run right after the ack
 * was queued on the connection (a subscription flushes its replay only behind its ack).
 *
 * @param result    the ack's result
 * @param afterSend runs after the ack is queued, on the same thread
 */
public record Reply(AckResult result, Runnable afterSend) {

    private static final Runnable NOTHING = () -> { };

    /** Rejects nulls. */
    public Reply {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(afterSend, "afterSend");
    }

    /** A plain ack. */
    public static Reply of(AckResult result) {
        return new Reply(result, NOTHING);
    }

    /** An ack followed by {@code afterSend}. */
    public static Reply of(AckResult result, Runnable afterSend) {
        return new Reply(result, afterSend);
    }
}
