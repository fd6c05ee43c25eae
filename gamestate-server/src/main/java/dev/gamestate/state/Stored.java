package dev.gamestate.state;

/**
 * A value as read from etcd and its key's mod revision: a later write can be guarded on the key still
 * being at that revision.
 *
 * @param value       the stored bytes
 * @param modRevision the revision of the key's last write
 */
public record Stored(byte[] value, long modRevision) {
}
