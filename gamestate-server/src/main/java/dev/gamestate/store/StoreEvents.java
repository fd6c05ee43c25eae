package dev.gamestate.store;

import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.event.EventPayload;
import dev.gamestate.event.EventType;
import dev.gamestate.event.PushType;
import java.util.OptionalInt;

/** The store's request types and their payloads, and the event it pushes. */
public final class StoreEvents {

    /** The largest quantity one purchase may take. */
    public static final int MAX_QUANTITY = 1000;

    /** {@code catalog}: lists the goods for sale. */
    public static final EventType<CatalogRequest> CATALOG = EventType.of("catalog", CatalogRequest.class);

    /** {@code wallet}: the caller's balance and inventory (private namespace only). */
    public static final EventType<WalletRequest> WALLET = EventType.of("wallet", WalletRequest.class);

    /** {@code core.game.state.buy_good}: buys a good, exactly once per request id. */
    public static final EventType<BuyGoodRequest> BUY_GOOD =
            EventType.of("core.game.state.buy_good", BuyGoodRequest.class);

    /** A first purchase, pushed to the buyer's other sessions: the purchase's result. */
    public static final PushType<PurchaseResult> PURCHASE = PushType.of(BUY_GOOD.name(), PurchaseResult.class);

    private StoreEvents() {
    }

    /** The empty payload of {@code catalog}. */
    public record CatalogRequest() implements EventPayload {

        @Override
        public void validate() {
        }
    }

    /** The empty payload of {@code wallet}. */
    public record WalletRequest() implements EventPayload {

        @Override
        public void validate() {
        }
    }

    /**
     * The payload of {@code core.game.state.buy_good}.
     *
     * @param goodId    the good to buy
     * @param quantity  how many, 1 to {@value #MAX_QUANTITY}; 1 when absent
     * @param requestId the client's idempotency key: the same one never charges twice
     */
    public record BuyGoodRequest(String goodId, OptionalInt quantity, String requestId) implements EventPayload {

        /** Reads an absent quantity as empty, so that {@link #count()} defaults it. */
        public BuyGoodRequest {
            quantity = quantity == null ? OptionalInt.empty() : quantity;
        }

        /** A request for {@code quantity} of {@code goodId}. */
        public static BuyGoodRequest of(String goodId, int quantity, String requestId) {
            return new BuyGoodRequest(goodId, OptionalInt.of(quantity), requestId);
        }

        /** The quantity, defaulting to 1. */
        public int count() {
            return quantity.orElse(1);
        }

        @Override
        public void validate() {
            Names.requireId("goodId", goodId);
            Names.requireRequestId("requestId", requestId);
            int count = count();
            if (count < 1 || count > MAX_QUANTITY) {
                throw GameException.invalid("quantity must be 1 to " + MAX_QUANTITY);
            }
        }
    }
}
