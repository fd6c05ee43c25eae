package dev.gamestate.state;

import dev.gamestate.core.Namespace;

/**
 * Receives what the node's user watches ({@link UserWatches}) see under {@code stream/}, in etcd
 * revision order per user. Calls come from one thread at a time; implementations hand work off rather
 * than block.
 */
public interface StreamListener {

    /** A push for every live session of a user; {@code notification} says what and to whom. */
    default void userNotification(Namespace ns, String userId, byte[] notification) {
    }

    /** A message was put in a user's inbox. */
    default void inboxMessage(Namespace ns, String userId, String key, byte[] message) {
    }
}
