package dev.gamestate.store;

import java.util.Map;

/**
 * The answer of an admin credit.
 *
 * @param balance  the whole balance right after the credit
 * @param replayed true when the request id had credited before and this is that credit's answer
 */
public record CreditResult(Map<String, Long> balance, boolean replayed) {
}
