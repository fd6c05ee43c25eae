package dev.gamestate.state;

/** Why etcd ended a watch that its owner did not cancel. After it the listener hears nothing more. */
public sealed interface WatchEnd {

    /**
     * The watch's resume point was compacted away: events before {@code compactRevision} may be lost.
     * Bring the watcher up to date another way (a read at some revision {@code r}), then watch again
     * from {@code r + 1}; etcd serves no watch from below {@code compactRevision}.
     */
    record Compacted(long compactRevision) implements WatchEnd {
    }

    /** etcd refused the watch for good (permission denied, an invalid range); retrying will not help. */
    record Refused(String reason) implements WatchEnd {
    }
}
