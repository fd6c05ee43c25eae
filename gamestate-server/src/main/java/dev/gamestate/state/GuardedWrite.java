package dev.gamestate.state;

/**
 * How a write guarded by what was read settled: it {@link Committed}, or a key changed since the read
 * and nothing was written ({@link Conflict}).
 */
public sealed interface GuardedWrite permits Committed, Conflict {
}
