package dev.gamestate.state;

import dev.gamestate.core.Namespace;

/**
 * Receives what the node's watch sees under {@code stream/}, in etcd revision order. Calls come from
 * one thread at a time; implementations hand work off rather than block.
 */
public interface StreamListener {

    /** A new event in a room's log; {@code event} is its encoded wire frame. */
    default void roomEvent(Namespace ns, String room, long seq, byte[] event) {
    }

    /** A push for every live session of a user; {@code notification} says what and to whom. */
    default void userNotification(Namespace ns, String userId, byte[] notification) {
    }

    /** A message was put in a user's inbox. */
    default void inboxMessage(Namespace ns, String userId, String key, byte[] message) {
    }

    /**
     * The watch could not resume where it stopped (etcd compacted past it): events may have been
     * missed, so every local subscriber must be brought up to date another way.
     */
    default void resync() {
    }
}
