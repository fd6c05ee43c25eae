package dev.gamestate.state;

import java.util.Optional;

/**
 * A guard did not hold: a key changed since it was read, and nothing was written.
 *
 * @param record the request's exactly-once record when another copy of the request wrote it first;
 *               empty when only the data it read changed (read again and retry)
 */
public record Conflict(Optional<Stored> record) implements GuardedWrite {

    /** A conflict with no record in the way. */
    public static Conflict changed() {
        return new Conflict(Optional.empty());
    }
}
