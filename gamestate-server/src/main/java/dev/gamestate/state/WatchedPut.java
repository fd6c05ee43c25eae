package dev.gamestate.state;

/**
 * One key written under a watched range, as a watch delivers it.
 *
 * @param key the full etcd key
 * @param value the value written
 * @param modRevision the revision of the write; every key one transaction writes shares it
 */
public record WatchedPut(String key, byte[] value, long modRevision) implements WatchedChange {
}
