package dev.gamestate.state;

/**
 * One key deleted under a watched range (by a delete, or with the lease it hung on), as a watch of
 * changes delivers it ({@link SharedWatchStream#watchPrefixChanges}).
 *
 * @param key the full etcd key
 * @param modRevision the revision of the delete
 */
public record WatchedDelete(String key, long modRevision) implements WatchedChange {
}
