package dev.gamestate.store;

import java.util.Map;

/**
 * The record of one purchase at {@code purchases/<user>/<requestId>}: written in the purchase's own
 * transaction, it is what makes the request id exactly-once and what a replay answers with.
 *
 * @param purchaseId    the id; unique per attempt to buy, so a writer recognises its own record
 * @param goodId        what was bought
 * @param quantity      how many
 * @param unitPrice     the price of one, as charged
 * @param currency      the currency charged
 * @param balance       the whole balance right after the purchase
 * @param owned         how many of the good the buyer owned right after it
 * @param purchasedAtMs when, in epoch milliseconds
 */
record PurchaseRecord(
        String purchaseId,
        String goodId,
        int quantity,
        long unitPrice,
        String currency,
        Map<String, Long> balance,
        long owned,
        long purchasedAtMs) {

    /** The answer this record gives. */
    PurchaseResult result(boolean replayed) {
        return new PurchaseResult(purchaseId, goodId, quantity, unitPrice, currency, balance, owned, replayed);
    }
}
