package dev.gamestate.rooms;

import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The payload of {@code subscribe}.
 *
 * @param room  the room to join
 * @param since the last seq the client saw, to replay what came after it
 * @param epoch the epoch that seq belongs to (from the ack or a snapshot); another epoch now means the
 *              room's stream began anew, and the client gets the snapshot instead of a replay
 */
public record SubscribePayload(String room, OptionalLong since, Optional<String> epoch) implements EventPayload {

    /** The longest epoch accepted; the server's own are 16 characters. */
    static final int MAX_EPOCH_LENGTH = 64;

    /** Treats a missing {@code since} or {@code epoch} as empty. */
    public SubscribePayload {
        since = since == null ? OptionalLong.empty() : since;
        epoch = epoch == null ? Optional.empty() : epoch;
    }

    /** A subscribe with no epoch. */
    public SubscribePayload(String room, OptionalLong since) {
        this(room, since, Optional.empty());
    }

    @Override
    public void validate() {
        Names.requireId("room", room);
        if (since.isPresent() && since.getAsLong() < 0) {
            throw GameException.invalid("since must be a seq of 0 or more");
        }
        if (epoch.isPresent() && (epoch.get().isEmpty() || epoch.get().length() > MAX_EPOCH_LENGTH)) {
            throw GameException.invalid("epoch must be 1 to " + MAX_EPOCH_LENGTH + " characters");
        }
    }
}
