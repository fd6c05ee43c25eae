package dev.gamestate.auth;

import com.nimbusds.jose.JOSEObjectType;
import dev.gamestate.core.Namespace;

/** What player and guest tokens share, and what tells them apart. */
final class TokenFormat {

    /** Longer tokens are refused before any parsing; real ones are well under 2 KiB. */
    static final int MAX_TOKEN_CHARS = 8 * 1024;

    /** The longest accepted {@code sub}. */
    static final int MAX_SUBJECT_CHARS = 128;

    /** The {@code typ} header of guest tokens; player tokens never carry it. */
    static final JOSEObjectType GUEST_TYPE = new JOSEObjectType("gamestate-guest+jwt");

    /** The claim that names the namespace a token was issued for. */
    static final String NAMESPACE_CLAIM = "ns";

    /** The claim of player tokens that lists the rooms their player may join where a policy asks for it. */
    static final String ROOMS_CLAIM = "rooms";

    /** The value of {@link #NAMESPACE_CLAIM} in guest tokens. */
    static final String GUEST_NAMESPACE = Namespace.GUEST.wire();

    private TokenFormat() {
    }
}
