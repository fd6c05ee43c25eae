package dev.gamestate.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is on the other end of a connection.
 *
 * @param userId    the JWT subject, or the server-assigned {@code guest-...} id
 * @param namespace where the connection lives
 * @param expiresAt when the credential stops being valid; empty for guests
 * @param rooms     the rooms the player's token names in its {@code rooms} claim (rooms whose policy
 *                  lets only such players subscribe); empty for guests
 */
public record Principal(String userId, Namespace namespace, Optional<Instant> expiresAt, Set<String> rooms) {

    /** Validates that no component is missing; keeps its own copy of the rooms. */
    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(expiresAt, "expiresAt");
        rooms = Set.copyOf(rooms);
    }

    /** A player authenticated by a token that expires at {@code expiresAt} and names {@code rooms}. */
    public static Principal player(String userId, Instant expiresAt, Set<String> rooms) {
        return new Principal(userId, Namespace.PRIVATE, Optional.of(expiresAt), rooms);
    }

    /** A player authenticated by a token that expires at {@code expiresAt} and names no room. */
    public static Principal player(String userId, Instant expiresAt) {
        return player(userId, expiresAt, Set.of());
    }

    /** A player whose credential never expires while connected: connections made by tests and tools. */
    public static Principal player(String userId) {
        return new Principal(userId, Namespace.PRIVATE, Optional.empty(), Set.of());
    }

    /** An anonymous guest. */
    public static Principal guest(String userId) {
        return new Principal(userId, Namespace.GUEST, Optional.empty(), Set.of());
    }

    /** True when this is a player whose token names {@code room} in its {@code rooms} claim. */
    public boolean holdsRoomClaim(String room) {
        return namespace == Namespace.PRIVATE && rooms.contains(room);
    }
}
