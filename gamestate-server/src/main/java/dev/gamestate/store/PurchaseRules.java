package dev.gamestate.store;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.OptionalLong;

/** The rules a purchase must pass, checked on what was read before its transaction. */
final class PurchaseRules {

    private PurchaseRules() {
    }

    /**
     * The buyer's wallet after buying {@code quantity} of {@code good}. Checks the stock first, then the
     * per-user limit, then the money.
     *
     * @param stock what is left of a limited good; empty when it is not limited
     * @throws GameException {@code out_of_stock}, {@code limit_exceeded}, {@code insufficient_funds}, or
     *                       {@code invalid_payload} when the total price does not fit a number
     */
    static Wallet check(CatalogEntry good, int quantity, Wallet wallet, OptionalLong stock) {
        if (quantity < 1) {
            throw GameException.invalid("quantity must be at least 1");
        }
        long cost;
        try {
            cost = Math.multiplyExact(good.price(), quantity);
        } catch (ArithmeticException e) {
            throw GameException.invalid("price × quantity is too large");
        }
        if (stock.isPresent() && stock.getAsLong() < quantity) {
            throw new GameException(ErrorCode.OUT_OF_STOCK,
                    "only " + stock.getAsLong() + " of '" + good.id() + "' left");
        }
        if (good.maxPerUser().isPresent()) {
            long max = good.maxPerUser().getAsInt();
            long owned = wallet.owned(good.id());
            if (owned > max - quantity) {
                throw new GameException(ErrorCode.LIMIT_EXCEEDED,
                        "at most " + max + " of '" + good.id() + "' per player; " + owned + " owned");
            }
        }
        return wallet.buy(good.id(), quantity, good.currency(), cost);
    }
}
