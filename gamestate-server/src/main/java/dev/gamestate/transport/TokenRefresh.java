package dev.gamestate.transport;

import dev.gamestate.auth.PlayerTokenVerifier;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import dev.gamestate.event.AckResult;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.EventType;
import dev.gamestate.event.Reply;
import dev.gamestate.protocol.WireCodec;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code refresh} request: a player hands over a new token for the same user, and the session
 * lives on to the new token's expiry instead of closing with 4001 at the old one. A token of another
 * user is {@code forbidden}, a bad one {@code unauthorized}; either way the session keeps its expiry.
 * Guests hold no expiring token: {@code refresh} on the public path is {@code forbidden}.
 */
public final class TokenRefresh {

    /**
     * The payload.
     *
     * @param token the new player JWT
     */
    public record RefreshPayload(String token) implements EventPayload {
        @Override
        public void validate() {
            if (token == null) {
                throw GameException.invalid("token is required");
            }
        }
    }

    /**
     * The ack.
     *
     * @param expiresAt when the session now expires (closed with 4001), ISO-8601 UTC: the new token's
     *                  {@code exp} plus {@code auth.jwt.clockSkew}
     */
    public record RefreshResult(String expiresAt) implements AckResult {
    }

    /** The request type. */
    public static final EventType<RefreshPayload> TYPE = EventType.of("refresh", RefreshPayload.class);

    private final PlayerTokenVerifier players;

    private TokenRefresh(PlayerTokenVerifier players) {
        this.players = players;
    }

    /** Binds {@code refresh}, checking new tokens with {@code players}. */
    public static void register(EventRegistry.Builder builder, PlayerTokenVerifier players) {
        builder.register(TYPE, new TokenRefresh(players)::refresh);
    }

    private CompletableFuture<Reply> refresh(Event<RefreshPayload> event, Connection caller) {
        if (caller.namespace() != Namespace.PRIVATE) {
            throw new GameException(ErrorCode.FORBIDDEN,
                    "guests hold no expiring token; reconnect with the guestToken of welcome to keep the id");
        }
        if (!(caller instanceof WsConnection connection)) {
            throw new IllegalStateException(caller + " is not a WebSocket session");
        }
        Principal refreshed = players.verify(event.payload().token()); // unauthorized when it is no good
        if (!refreshed.userId().equals(caller.userId())) {
            throw new GameException(ErrorCode.FORBIDDEN, "the token is for another user");
        }
        // The expiry's timers live on the channel's loop, which is also where requests are dispatched.
        EventLoop loop = connection.channel().eventLoop();
        return loop.inEventLoop() ? CompletableFuture.completedFuture(renew(connection, refreshed))
                : CompletableFuture.supplyAsync(() -> renew(connection, refreshed), loop);
    }

    private static Reply renew(WsConnection connection, Principal refreshed) {
        SessionExpiry expiry = SessionExpiry.of(connection.channel()).orElseThrow(() ->
                new GameException(ErrorCode.UNAVAILABLE, "the connection is closing"));
        connection.renew(refreshed);
        expiry.arm(refreshed.expiresAt());
        return Reply.of(new RefreshResult(refreshed.expiresAt().map(WireCodec.TIMESTAMP::format).orElseThrow()));
    }
}
