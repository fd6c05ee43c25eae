package dev.gamestate.store;

import dev.gamestate.event.AckResult;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A good as clients and the admin API see it.
 *
 * @param id         the good id
 * @param name       the display name
 * @param price      the price of one, in {@code currency}
 * @param currency   the currency it is paid in
 * @param stock      how many are left; empty when the good is not limited
 * @param maxPerUser how many one player may own; empty for no limit
 */
public record Good(String id, String name, long price, String currency, OptionalLong stock, OptionalInt maxPerUser)
        implements AckResult {

    /** Rejects nulls. */
    public Good {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(stock, "stock");
        Objects.requireNonNull(maxPerUser, "maxPerUser");
    }
}
