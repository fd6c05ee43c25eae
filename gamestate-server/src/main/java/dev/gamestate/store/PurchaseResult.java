package dev.gamestate.store;

import dev.gamestate.event.AckResult;
import dev.gamestate.event.PushPayload;
import java.util.Map;

/**
 * The ack result of {@code core.game.state.buy_good}, and the payload of the event the buyer's other
 * sessions get.
 *
 * @param purchaseId the purchase's id
 * @param goodId     what was bought
 * @param quantity   how many
 * @param unitPrice  the price of one, as charged
 * @param currency   the currency charged
 * @param balance    the whole balance right after the purchase
 * @param owned      how many of the good the buyer owned right after the purchase
 * @param replayed   true when the request id had bought before and this is that purchase's answer
 */
public record PurchaseResult(
        String purchaseId,
        String goodId,
        int quantity,
        long unitPrice,
        String currency,
        Map<String, Long> balance,
        long owned,
        boolean replayed) implements AckResult, PushPayload {
}
