package dev.gamestate.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is on the other end of a connection.
 *
 * @param userId    the JWT subject, or the server-assigned {@code guest-...} id
 * @param namespace where the connection lives
 * @param expiresAt when the credential stops being valid; empty for guests
 */
public record Principal(String userId, Namespace namespace, Optional<Instant> expiresAt) {

    /** Validates that no component is missing. */
    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A player authenticated by a token that expires at {@code expiresAt}. */
    public static Principal player(String userId, Instant expiresAt) {
        return new Principal(userId, Namespace.PRIVATE, Optional.of(expiresAt));
    }

    /** A player whose credential never expires while connected: connections made by tests and tools. */
    public static Principal player(String userId) {
        return new Principal(userId, Namespace.PRIVATE, Optional.empty());
    }

    /** An anonymous guest. */
    public static Principal guest(String userId) {
        return new Principal(userId, Namespace.GUEST, Optional.empty());
    }
}
