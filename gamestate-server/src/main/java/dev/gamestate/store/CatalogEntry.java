package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A catalog entry as stored at {@code catalog/<goodId>}. Whether the good is limited is not stored
 * here: a good is limited exactly while its {@code stock/<goodId>} key exists.
 *
 * @param id         the good id
 * @param name       the display name
 * @param price      the price of one
 * @param currency   the currency it is paid in
 * @param maxPerUser how many one player may own; empty for no limit
 */
record CatalogEntry(String id, String name, long price, String currency, OptionalInt maxPerUser) {

    /** Reads an absent limit as none. */
    CatalogEntry {
        maxPerUser = maxPerUser == null ? OptionalInt.empty() : maxPerUser;
    }

    /** The entry of a configured good. */
    static CatalogEntry of(GameConfig.Good good) {
        return new CatalogEntry(good.id(), good.name(), good.price(), good.currency(), good.maxPerUser());
    }

    /** The good as clients see it, with its current stock. */
    Good withStock(OptionalLong stock) {
        return new Good(id, name, price, currency, stock, maxPerUser);
    }
}
