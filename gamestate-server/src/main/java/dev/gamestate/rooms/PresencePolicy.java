package dev.gamestate.rooms;

import dev.gamestate.core.Namespace;

/**
 * Whether a room has presence (who is in it): the wiring passes the rooms' policy in. A room without
 * it answers {@code presence} with {@code forbidden}, pushes no presence events and its nodes' records
 * carry a count only: for huge rooms, where a member list would be costly and useless.
 */
@FunctionalInterface
public interface PresencePolicy {

    /** True when {@code room} in {@code namespace} has presence. */
    boolean presenceEnabled(Namespace namespace, String room);

    /** Every room has presence. */
    static PresencePolicy always() {
        return (namespace, room) -> true;
    }
}
