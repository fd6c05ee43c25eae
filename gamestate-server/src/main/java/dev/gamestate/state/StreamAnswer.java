package dev.gamestate.state;

import java.util.List;

/** What one response on the watch stream means for one watch. */
sealed interface StreamAnswer {

    /** Nothing for anyone: a progress notification, a created watch, a cancel confirmed. */
    record Nothing() implements StreamAnswer {
    }

    /** Puts (and deletes, for a watch that wants them) for {@code watch}, to deliver. */
    record Changes(SharedWatch watch, List<WatchedChange> changes) implements StreamAnswer {
    }

    /** etcd ended {@code watch} for good. */
    record Ended(SharedWatch watch, WatchEnd end) implements StreamAnswer {
    }

    /** etcd denied {@code watch}: the stream's token may have expired; open it again with a new one. */
    record Denied(SharedWatch watch, String reason) implements StreamAnswer {
    }

    /** etcd dropped {@code watch} for a passing reason (no leader, say): create it again later. */
    record Dropped(SharedWatch watch, String reason) implements StreamAnswer {
    }
}
