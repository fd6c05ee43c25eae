package dev.gamestate.store;

import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Stored;
import dev.gamestate.state.StoreRecords;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Wallets as the store records keep them: JSON, opening with the starting balance when none is stored. */
final class Wallets {

    /**
     * A wallet as read, and the revision it was read at.
     *
     * @param wallet      the wallet; the opening wallet when none is stored
     * @param modRevision the key's mod revision; 0 when no wallet is stored
     */
    record Snapshot(Wallet wallet, long modRevision) {
    }

    private final StoreRecords records;
    private final JsonValues json;
    private final Map<String, Long> startingBalance;

    Wallets(StoreRecords records, JsonValues json, Map<String, Long> startingBalance) {
        this.records = records;
        this.json = json;
        this.startingBalance = Map.copyOf(startingBalance);
    }

    /** The wallet a read answered. */
    Snapshot snapshot(Optional<Stored> stored) {
        return stored.map(s -> new Snapshot(json.read(s.value(), Wallet.class), s.modRevision()))
                .orElseGet(() -> new Snapshot(Wallet.opening(startingBalance), 0));
    }

    /** The current wallet of {@code userId}. */
    CompletableFuture<Wallet> current(String userId) {
        return records.wallet(userId).thenApply(stored -> snapshot(stored).wallet());
    }

    /** {@code wallet} as stored. */
    byte[] bytes(Wallet wallet) {
        return json.write(wallet);
    }
}
