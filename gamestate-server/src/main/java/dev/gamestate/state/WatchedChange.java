package dev.gamestate.state;

/**
 * One change to a key under a watched range: written ({@link WatchedPut}) or deleted
 * ({@link WatchedDelete}). Every key one transaction changes shares its revision, so a change is
 * known by (revision, key).
 */
public sealed interface WatchedChange permits WatchedPut, WatchedDelete {

    /** The full etcd key. */
    String key();

    /** The revision of the change. */
    long modRevision();
}
