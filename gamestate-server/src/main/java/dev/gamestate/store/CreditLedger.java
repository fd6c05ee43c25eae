package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.state.Committed;
import dev.gamestate.state.Conflict;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.StoreRecords;
import dev.gamestate.state.StoreRecords.CreditWrite;
import dev.gamestate.state.Stored;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Adds money to wallets for the admin API, exactly once per (user, request id): one transaction
 * writes the wallet and the credit record, guarded by the record's absence and the wallet's revision.
 */
public final class CreditLedger {

    /** The most one credit may add. */
    public static final long MAX_CREDIT = 1_000_000_000_000L;

    private final StoreRecords records;
    private final JsonValues json;
    private final Catalog catalog;
    private final Wallets wallets;
    private final ScheduledExecutorService scheduler;
    private final StoreCounters counters;
    private final Clock clock;

    /**
     * A ledger for the currencies of {@code economy} and {@code catalog}; retries after a lost race
     * wait on {@code scheduler}; lost races are counted in {@code counters}.
     */
    public CreditLedger(StoreRecords records, JsonValues json, Catalog catalog, GameConfig.Economy economy,
                        ScheduledExecutorService scheduler, StoreCounters counters) {
        this.records = records;
        this.json = json;
        this.catalog = catalog;
        this.wallets = new Wallets(records, json, economy.startingBalance());
        this.scheduler = scheduler;
        this.counters = counters;
        this.clock = Clock.systemUTC();
    }

    /**
     * Adds {@code amount} of {@code currency} to {@code userId}'s wallet. The same request id again
     * answers the first credit with {@code replayed: true}.
     *
     * @return the balance after the credit; fails with {@code invalid_payload} (unknown currency,
     *         amount not 1 to 10^12, bad ids), {@code conflict} (the request id credited something
     *         else), {@code limit_exceeded} (the balance would overflow) or {@code unavailable}
     */
    public CompletableFuture<CreditResult> credit(String userId, String currency, long amount, String requestId) {
        try {
            requireUserId(userId);
            Names.requireRequestId("requestId", requestId);
            if (currency == null || !catalog.currencies().contains(currency)) {
                throw GameException.invalid("currency must be one of " + catalog.currencies());
            }
            if (amount < 1 || amount > MAX_CREDIT) {
                throw GameException.invalid("amount must be 1 to " + MAX_CREDIT);
            }
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        String creditId = UUID.randomUUID().toString();
        return OptimisticLoop.run(() -> records.readCredit(userId, requestId).thenCompose(read -> {
            if (read.record().isPresent()) {
                return CompletableFuture.completedFuture(
                        Optional.of(answer(read.record().get(), currency, amount, requestId, creditId)));
            }
            Wallets.Snapshot wallet = wallets.snapshot(read.wallet());
            Wallet after = wallet.wallet().credit(currency, amount);
            CreditRecord record = new CreditRecord(creditId, currency, amount, after.balance(), clock.millis());
            CreditWrite write = new CreditWrite(userId, requestId, wallet.modRevision(), wallets.bytes(after),
                    json.write(record));
            return records.commitCredit(write).thenApply(written -> switch (written) {
                case Committed c -> Optional.of(new CreditResult(after.balance(), false));
                // Another copy of this request won, or the wallet changed since the read.
                case Conflict(Optional<Stored> raced) ->
                        raced.map(r -> answer(r, currency, amount, requestId, creditId));
            });
        }), scheduler, counters::conflict);
    }

    private CreditResult answer(Stored stored, String currency, long amount, String requestId, String creditId) {
        CreditRecord record = json.read(stored.value(), CreditRecord.class);
        if (!record.currency().equals(currency) || record.amount() != amount) {
            throw new GameException(ErrorCode.CONFLICT, "requestId '" + requestId + "' already credited "
                    + record.amount() + " " + record.currency());
        }
        return new CreditResult(record.balance(), !record.creditId().equals(creditId));
    }

    /** Throws {@code invalid_payload} unless {@code userId} could be a player's id. */
    static String requireUserId(String userId) {
        return Names.requireUserId("userId", userId);
    }
}
