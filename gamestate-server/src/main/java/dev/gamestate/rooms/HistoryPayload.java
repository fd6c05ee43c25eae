package dev.gamestate.rooms;

import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The payload of {@code history}: a page of a room's recent events from its log.
 *
 * @param room  the room
 * @param since the last seq the client has: the page starts right after it; without it, the page is
 *              the room's latest events
 * @param limit how many events at most, {@value #MIN_LIMIT} to {@value #MAX_LIMIT} ({@value #DEFAULT_LIMIT}
 *              when absent)
 * @param epoch the epoch {@code since} belongs to, when the client knows it
 */
public record HistoryPayload(String room, OptionalLong since, OptionalInt limit, Optional<String> epoch)
        implements EventPayload {

    static final int MIN_LIMIT = 1;
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;

    /** Treats missing optional fields as empty. */
    public HistoryPayload {
        since = since == null ? OptionalLong.empty() : since;
        limit = limit == null ? OptionalInt.empty() : limit;
        epoch = epoch == null ? Optional.empty() : epoch;
    }

    @Override
    public void validate() {
        Names.requireId("room", room);
        if (since.isPresent() && since.getAsLong() < 0) {
            throw GameException.invalid("since must be a seq of 0 or more");
        }
        if (limit.isPresent() && (limit.getAsInt() < MIN_LIMIT || limit.getAsInt() > MAX_LIMIT)) {
            throw GameException.invalid("limit must be " + MIN_LIMIT + " to " + MAX_LIMIT);
        }
        if (epoch.isPresent() && (epoch.get().isEmpty() || epoch.get().length() > SubscribePayload.MAX_EPOCH_LENGTH)) {
            throw GameException.invalid("epoch must be 1 to " + SubscribePayload.MAX_EPOCH_LENGTH + " characters");
        }
    }

    /** The page size asked for. */
    int pageSize() {
        return limit.orElse(DEFAULT_LIMIT);
    }
}
