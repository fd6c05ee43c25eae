package dev.gamestate.state;

/**
 * The write was applied.
 *
 * @param revision the revision it was committed at (every key it wrote has this mod revision)
 */
public record Committed(long revision) implements GuardedWrite, LeasedWrite {
}
