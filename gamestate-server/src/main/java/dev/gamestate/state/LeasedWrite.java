package dev.gamestate.state;

/**
 * How a write under one of the node's bucket leases settled: it {@link Committed}, or the lease had
 * expired ({@link LeaseGone}); the lease is forgotten, so the next write gets a fresh one.
 */
public sealed interface LeasedWrite permits Committed, LeaseGone {
}
