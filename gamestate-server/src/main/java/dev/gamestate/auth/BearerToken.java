package dev.gamestate.auth;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;

/**
 * The one reading of an {@code Authorization: Bearer <token>} header (RFC 6750), for player JWTs on
 * the upgrade and admin keys on the admin API alike: the scheme in any case, the token with the
 * whitespace around it stripped.
 */
public final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /**
     * The token in {@code authorization}, the header's value.
     *
     * @param what what the token is, for the refusal ({@code jwt}, {@code admin key})
     * @throws GameException {@code unauthorized} when the header is not of the Bearer scheme
     */
    public static String of(String authorization, String what) {
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new GameException(ErrorCode.UNAUTHORIZED, "Authorization must be 'Bearer <" + what + ">'");
        }
        return authorization.substring(SCHEME.length()).strip();
    }
}
