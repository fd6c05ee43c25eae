package dev.gamestate.state;

import java.util.List;

/**
 * Receives one watch's puts and deletes ({@link SharedWatchStream#watchPrefixChanges}), in
 * (revision, key) order, each once. Calls come on the executor the {@link SharedWatchStream} was
 * given, one at a time per watch; implementations hand work off rather than block.
 */
public interface ChangeListener {

    /** Keys written or deleted under the watched range; never empty. */
    void onChanges(List<WatchedChange> changes);

    /** etcd ended the watch; the last call this listener gets. */
    void onEnd(WatchEnd end);
}
