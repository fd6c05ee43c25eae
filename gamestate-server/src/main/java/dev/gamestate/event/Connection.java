package dev.gamestate.event;

import dev.gamestate.core.CloseCode;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;

/** One live client connection, as the game services see it. Implemented by the transport. */
public interface Connection {

    /** The server-assigned session id, unique in the cluster. */
    String sessionId();

    /** Who is connected. */
    Principal principal();

    /** Shorthand for the principal's namespace. */
    default Namespace namespace() {
        return principal().namespace();
    }

    /** Shorthand for the principal's user id. */
    default String userId() {
        return principal().userId();
    }

    /**
     * Queues {@code push} for the client. Never blocks; a client that falls too far behind is closed
     * with 4008 instead.
     */
    void push(Push push);

    /**
     * True while the client is behind: its unsent bytes passed the soft mark (half of
     * {@code limits.outboundBufferBytes}). Senders that can replace many pushes by one (a room
     * snapshot) should stop pushing and catch the client up once it drains.
     */
    default boolean congested() {
        return false;
    }

    /**
     * Closes the connection with {@code code}, behind the frames already queued for it; nothing queued
     * later is sent. From any thread; a connection closing already stays as it is.
     */
    void close(CloseCode code);

    /** False once the socket is closing or closed. */
    boolean isOpen();
}
