package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.state.Committed;
import dev.gamestate.state.Conflict;
import dev.gamestate.state.GuardedWrite;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.StoreRecords;
import dev.gamestate.state.StoreRecords.PurchaseRead;
import dev.gamestate.state.StoreRecords.PurchaseWrite;
import dev.gamestate.state.Stored;
import dev.gamestate.state.UserNotifier;
import dev.gamestate.store.StoreEvents.BuyGoodRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buys goods, exactly once per (user, request id). One etcd transaction debits the wallet, adds to the
 * inventory, takes the stock and writes the purchase record, guarded by the record's absence and by
 * the revisions of everything it read; a lost comparison reads again and retries.
 */
public final class PurchaseLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PurchaseLedger.class);
    /** Appended to an etcd trouble line: where an operator looks first. */
    private static final String CHECK_ETCD = " If it repeats, check etcd: /readyz, gamestate_etcd_errors_total";

    private final StoreRecords records;
    private final JsonValues json;
    private final Catalog catalog;
    private final Wallets wallets;
    private final UserNotifier notifications;
    private final EventEncoder encoder;
    private final ScheduledExecutorService scheduler;
    private final StoreCounters counters;
    private final Clock clock;

    /**
     * A ledger selling from {@code catalog}; new wallets open with {@code economy.startingBalance()}.
     * After a purchase it tells the buyer's other sessions through {@code notifications}. Retries after
     * a lost race wait on {@code scheduler}; outcomes and lost races are counted in {@code counters}.
     */
    public PurchaseLedger(StoreRecords records, JsonValues json, Catalog catalog, GameConfig.Economy economy,
                          UserNotifier notifications, EventEncoder encoder, ScheduledExecutorService scheduler,
                          StoreCounters counters) {
        this.records = records;
        this.json = json;
        this.catalog = catalog;
        this.wallets = new Wallets(records, json, economy.startingBalance());
        this.notifications = notifications;
        this.encoder = encoder;
        this.scheduler = scheduler;
        this.counters = counters;
        this.clock = Clock.systemUTC();
    }

    /**
     * Buys what {@code request} asks for on behalf of {@code userId}, sent on session {@code sessionId}.
     * The same request id again answers the first purchase with {@code replayed: true}.
     *
     * @return the purchase; fails with {@code not_found}, {@code out_of_stock}, {@code limit_exceeded},
     *         {@code insufficient_funds}, {@code conflict} (the request id bought something else),
     *         {@code invalid_payload} or {@code unavailable} (nothing was bought)
     */
    public CompletableFuture<PurchaseResult> buy(String userId, String sessionId, BuyGoodRequest request) {
        try {
            request.validate();
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        // Unique per call: when an unanswered transaction did commit, the retry recognises its own record.
        String purchaseId = UUID.randomUUID().toString();
        return OptimisticLoop.run(() -> attempt(userId, request, purchaseId), scheduler, counters::conflict)
                .thenApply(result -> {
                    if (!result.replayed()) {
                        notifyOtherSessions(userId, sessionId, result);
                    }
                    return result;
                });
    }

    private CompletableFuture<Optional<PurchaseResult>> attempt(String userId, BuyGoodRequest request,
                                                                String purchaseId) {
        return records.readPurchase(userId, request.requestId(), request.goodId()).thenCompose(read -> {
            if (read.record().isPresent()) {
                return CompletableFuture.completedFuture(Optional.of(answer(read.record().get(), request, purchaseId)));
            }
            Stored entry = read.good().orElseThrow(() -> new GameException(
                    ErrorCode.NOT_FOUND, "no good '" + request.goodId() + "' in the catalog"));
            return commit(userId, request, purchaseId, catalog.remember(entry), read);
        });
    }

    private CompletableFuture<Optional<PurchaseResult>> commit(String userId, BuyGoodRequest request,
                                                               String purchaseId, Catalog.Listed listed,
                                                               PurchaseRead read) {
        CatalogEntry good = listed.entry();
        int quantity = request.count();
        Wallets.Snapshot wallet = wallets.snapshot(read.wallet());
        OptionalLong left = read.stock().map(s -> OptionalLong.of(s.left())).orElse(OptionalLong.empty());
        Wallet after = PurchaseRules.check(good, quantity, wallet.wallet(), left);
        PurchaseRecord record = new PurchaseRecord(purchaseId, good.id(), quantity, good.price(), good.currency(),
                after.balance(), after.owned(good.id()), clock.millis());
        OptionalLong stockLeft = left.isPresent() ? OptionalLong.of(left.getAsLong() - quantity) : OptionalLong.empty();
        PurchaseWrite write = new PurchaseWrite(userId, request.requestId(), good.id(), listed.modRevision(),
                wallet.modRevision(), read.stock().map(StoreRecords.Stock::modRevision).orElse(0L),
                wallets.bytes(after), stockLeft, json.write(record));
        return records.commitPurchase(write).thenApply(written -> settle(written, record, request, purchaseId));
    }

    private Optional<PurchaseResult> settle(GuardedWrite written, PurchaseRecord record, BuyGoodRequest request,
                                            String purchaseId) {
        return switch (written) {
            case Committed c -> Optional.of(record.result(false));
            // Another copy of this request won, or the wallet, the stock or the entry changed since the read.
            case Conflict(Optional<Stored> raced) -> raced.map(r -> answer(r, request, purchaseId));
        };
    }

    /** The answer a stored purchase record gives to {@code request}. */
    private PurchaseResult answer(Stored stored, BuyGoodRequest request, String purchaseId) {
        PurchaseRecord record = json.read(stored.value(), PurchaseRecord.class);
        if (!record.goodId().equals(request.goodId()) || record.quantity() != request.count()) {
            throw new GameException(ErrorCode.CONFLICT, "requestId '" + request.requestId()
                    + "' already bought " + record.quantity() + " of '" + record.goodId() + "'");
        }
        return record.result(!record.purchaseId().equals(purchaseId));
    }

    private void notifyOtherSessions(String userId, String sessionId, PurchaseResult result) {
        try {
            OutboundEvent event = new OutboundEvent.ToUser<>(StoreEvents.PURCHASE, UUID.randomUUID().toString(),
                    Namespace.PRIVATE, userId, clock.instant(), result);
            byte[] frame = encoder.encode(event);
            notifications.push(Namespace.PRIVATE, userId, Optional.of(sessionId), frame).exceptionally(e -> {
                LOG.warn("purchase {} is recorded, but the buyer's other sessions were not told ({}); they see it"
                        + " in their next wallet reply." + CHECK_ETCD, result.purchaseId(), e.getMessage());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("purchase {} is recorded, but its notice to the buyer's other sessions could not be built."
                    + " A bug: report it with this stack trace", result.purchaseId(), e);
        }
    }
}
