package dev.gamestate.store;

import dev.gamestate.event.AckResult;
import java.util.Map;

/**
 * The ack result of {@code wallet}.
 *
 * @param balance   money held, by currency
 * @param inventory goods owned, by good id
 */
public record WalletView(Map<String, Long> balance, Map<String, Long> inventory) implements AckResult {
}
