package dev.gamestate.transport;

import dev.gamestate.auth.BearerToken;
import dev.gamestate.auth.GuestTokens;
import dev.gamestate.auth.PlayerTokenVerifier;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.core.Principal;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, before any upgrade, whether a request on a real-time path may become a WebSocket: the
 * path, the upgrade headers, the origin, and the credentials.
 */
final class UpgradeGate {

    /** Every real-time path starts with this. */
    static final String REAL_TIME_PREFIX = "/core/game/v1/real-time/";

    /**
     * A request that may upgrade.
     *
     * @param principal  who is connecting
     * @param guestToken for guests, the token to hand back in {@code welcome}
     */
    record Admission(Principal principal, Optional<String> guestToken) {
    }

    private final Set<String> allowedOrigins;
    private final PlayerTokenVerifier players;
    private final GuestTokens guests;

    UpgradeGate(List<String> allowedOrigins, PlayerTokenVerifier players, GuestTokens guests) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.players = players;
        this.guests = guests;
    }

    /**
     * Admits {@code request} or throws the refusal: {@code not_found} (404) for an unknown path,
     * 426 for a request that is not an upgrade, {@code forbidden} (403) for a foreign origin,
     * {@code unauthorized} (401) for a missing or bad player token.
     */
    Admission admit(HttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String segment = uri.path().substring(REAL_TIME_PREFIX.length());
        Namespace ns = Namespace.fromPathSegment(segment).orElseThrow(() ->
                new GameException(ErrorCode.NOT_FOUND, "no real-time endpoint at " + uri.path()));
        if (!request.method().equals(HttpMethod.GET) || !isUpgrade(request)) {
            throw new UpgradeRequiredException();
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        // Non-browser clients send no Origin; the check protects browsers from foreign pages.
        if (origin != null && !allowedOrigins.isEmpty() && !allowedOrigins.contains(origin)) {
            throw new GameException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed");
        }
        return switch (ns) {
            case PRIVATE -> new Admission(players.verify(playerToken(request, uri)), Optional.empty());
            case GUEST -> guest(uri);
        };
    }

    private Admission guest(QueryStringDecoder uri) {
        String guestId = first(uri, "guest_token").flatMap(guests::verify).orElseGet(guests::newGuestId);
        return new Admission(Principal.guest(guestId), Optional.of(guests.issue(guestId)));
    }

    private static String playerToken(HttpRequest request, QueryStringDecoder uri) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null) {
            return BearerToken.of(header, "jwt");
        }
        return first(uri, "access_token").orElseThrow(() -> new GameException(ErrorCode.UNAUTHORIZED,
                "token missing: send Authorization: Bearer <jwt> or ?access_token=<jwt>"));
    }

    private static boolean isUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private static Optional<String> first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank()
                ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A plain request on a real-time path: answered with 426. */
    static final class UpgradeRequiredException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UpgradeRequiredException() {
            super("this endpoint speaks WebSocket only: send a GET with Upgrade: websocket", null, false, false);
        }
    }
}
