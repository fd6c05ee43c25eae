package dev.gamestate.transport;

import dev.gamestate.core.Principal;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Optional;

/** Per-channel state, typed. */
final class Attributes {

    /** Who the upgrade gate let in. */
    static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf("gamestate.principal");

    /** For guests: the token to hand back in {@code welcome}. */
    static final AttributeKey<Optional<String>> GUEST_TOKEN = AttributeKey.valueOf("gamestate.guestToken");

    /** Set when the upgrade's answer accepted permessage-deflate: this connection's events may go deflated. */
    static final AttributeKey<Boolean> DEFLATE = AttributeKey.valueOf("gamestate.deflate");

    private Attributes() {
    }

    /**
     * The value of {@code key} on {@code channel}, removed from the channel's attribute map (not just
     * cleared), so that an idle connection carries nothing of its handshake. Null when unset.
     */
    @SuppressWarnings("deprecation") // remove() races only with other users of the same key; each of
    // these keys is set once during the upgrade and taken once after it, on the channel's event loop
    // or after its handshake settled, never concurrently with a set.
    static <T> T take(Channel channel, AttributeKey<T> key) {
        if (!channel.hasAttr(key)) {
            return null;
        }
        return channel.attr(key).getAndRemove();
    }
}
