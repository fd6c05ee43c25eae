package dev.gamestate.store;

import dev.gamestate.event.AckResult;
import java.util.List;

/**
 * The ack result of {@code catalog}.
 *
 * @param goods every good for sale, by id
 */
public record CatalogListing(List<Good> goods) implements AckResult {

    /** Copies the list. */
    public CatalogListing {
        goods = List.copyOf(goods);
    }
}
