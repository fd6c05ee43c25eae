package dev.gamestate.state;

/** The bucket lease had expired, so etcd refused the write; nothing was written. */
public record LeaseGone() implements LeasedWrite {
}
