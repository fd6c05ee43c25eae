package dev.gamestate.store;

import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * What the store counts, for the metrics: purchases and credits by outcome, and the wallet
 * transactions that lost their compare to a concurrent writer and ran again.
 *
 * <p>An outcome is {@code ok}, {@code replayed} (the request id had settled before: its answer again,
 * nothing written), or the wire code of the error the request failed with.
 */
public final class StoreCounters {

    /** Every outcome, in the order metrics list them. */
    public static final List<String> OUTCOMES = Stream.concat(Stream.of("ok", "replayed"),
            Stream.of(ErrorCode.values()).map(ErrorCode::wire)).toList();
    private static final int OK = 0;
    private static final int REPLAYED = 1;
    private static final int ERRORS = 2;

    private final LongAdder[] purchases = adders();
    private final LongAdder[] credits = adders();
    private final LongAdder conflicts = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[OUTCOMES.size()];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    void purchase(boolean replayed, Throwable error) {
        count(purchases, replayed, error);
    }

    void credit(boolean replayed, Throwable error) {
        count(credits, replayed, error);
    }

    /** A wallet transaction lost its compare; the request runs again. */
    void conflict() {
        conflicts.increment();
    }

    private static void count(LongAdder[] by, boolean replayed, Throwable error) {
        int index = error != null ? ERRORS + GameException.from(error).code().ordinal() : replayed ? REPLAYED : OK;
        by[index].increment();
    }

    /** Purchases (buy_good requests of players) that ended with {@code outcome}. */
    public long purchases(String outcome) {
        return by(purchases, outcome);
    }

    /** Admin credits that ended with {@code outcome}. */
    public long credits(String outcome) {
        return by(credits, outcome);
    }

    /** Wallet transactions (purchases and credits) that lost their compare and ran again. */
    public long conflicts() {
        return conflicts.sum();
    }

    private static long by(LongAdder[] adders, String outcome) {
        int index = OUTCOMES.indexOf(outcome);
        return index < 0 ? 0 : adders[index].sum();
    }
}
