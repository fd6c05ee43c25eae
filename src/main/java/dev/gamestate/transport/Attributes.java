package dev.gamestate.transport;

import dev.gamestate.core.Principal;
import io.netty.util.AttributeKey;
import java.util.Optional;

/** Per-channel state, typed. */
final class Attributes {

    /** Who the upgrade gate let in. */
    static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf("gamestate.principal");

    /** For guests: the token to hand back in {@code welcome}. */
    static final AttributeKey<Optional<String>> GUEST_TOKEN = AttributeKey.valueOf("gamestate.guestToken");

    private Attributes() {
    }
}
