package dev.gamestate.store;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A player's wallet as stored at {@code wallets/<user>}. Every change goes through {@link #buy} or
 * {@link #credit}, which keep the invariant {@code starting + credited == balance + spent} for every
 * currency; the money a wallet holds can only come from its opening balance and from credits.
 *
 * @param balance   money held, by currency
 * @param inventory goods owned, by good id
 * @param starting  the opening balance the wallet was created with (config may change later)
 * @param credited  everything the admin API added, by currency
 * @param spent     everything purchases took, by currency
 */
record Wallet(
        Map<String, Long> balance,
        Map<String, Long> inventory,
        Map<String, Long> starting,
        Map<String, Long> credited,
        Map<String, Long> spent) {

    /** Copies every map into a sorted, unmodifiable one; an absent map reads as empty. */
    Wallet {
        balance = sorted(balance);
        inventory = sorted(inventory);
        starting = sorted(starting);
        credited = sorted(credited);
        spent = sorted(spent);
    }

    /** The wallet a player has before anything happened to it: the configured starting balance. */
    static Wallet opening(Map<String, Long> startingBalance) {
        return new Wallet(startingBalance, Map.of(), startingBalance, Map.of(), Map.of());
    }

    /** The money held in {@code currency}; zero when the wallet never had any. */
    long balanceOf(String currency) {
        return balance.getOrDefault(currency, 0L);
    }

    /** How many of {@code goodId} the player owns. */
    long owned(String goodId) {
        return inventory.getOrDefault(goodId, 0L);
    }

    /**
     * This wallet after buying {@code quantity} of {@code goodId} for {@code cost} in {@code currency}.
     *
     * @throws GameException {@code insufficient_funds} when the balance is below the cost,
     *                       {@code limit_exceeded} when a count would overflow
     */
    Wallet buy(String goodId, long quantity, String currency, long cost) {
        if (quantity < 1 || cost < 0) {
            throw new IllegalArgumentException("quantity " + quantity + " and cost " + cost);
        }
        long held = balanceOf(currency);
        if (held < cost) {
            throw new GameException(ErrorCode.INSUFFICIENT_FUNDS,
                    "costs " + cost + " " + currency + ", the wallet holds " + held);
        }
        return new Wallet(
                with(balance, currency, held - cost),
                with(inventory, goodId, add(owned(goodId), quantity)),
                starting,
                credited,
                with(spent, currency, add(spent.getOrDefault(currency, 0L), cost)));
    }

    /**
     * This wallet after the admin API added {@code amount} of {@code currency}.
     *
     * @throws GameException {@code limit_exceeded} when the balance would overflow
     */
    Wallet credit(String currency, long amount) {
        if (amount < 1) {
            throw new IllegalArgumentException("amount " + amount);
        }
        return new Wallet(
                with(balance, currency, add(balanceOf(currency), amount)),
                inventory,
                starting,
                with(credited, currency, add(credited.getOrDefault(currency, 0L), amount)),
                spent);
    }

    /** True when {@code starting + credited == balance + spent} holds for every currency. */
    boolean conservesMoney() {
        TreeMap<String, Long> currencies = new TreeMap<>(starting);
        currencies.putAll(credited);
        currencies.putAll(balance);
        currencies.putAll(spent);
        for (String c : currencies.keySet()) {
            long in = starting.getOrDefault(c, 0L) + credited.getOrDefault(c, 0L);
            long out = balanceOf(c) + spent.getOrDefault(c, 0L);
            if (in != out) {
                return false;
            }
        }
        return true;
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new GameException(ErrorCode.LIMIT_EXCEEDED, "the amount would overflow");
        }
    }

    private static Map<String, Long> with(Map<String, Long> map, String key, long value) {
        TreeMap<String, Long> copy = new TreeMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Long> sorted(Map<String, Long> map) {
        if (map == null) {
            return Collections.emptySortedMap();
        }
        SortedMap<String, Long> copy = new TreeMap<>(map);
        return Collections.unmodifiableSortedMap(copy);
    }
}
