package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.OutboundEvent;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import dev.gamestate.state.UserNotifications;
import dev.gamestate.store.StoreEvents.BuyGoodRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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

    private final Etcd etcd;
    private final JsonValues json;
    private final Catalog catalog;
    private final Wallets wallets;
    private final UserNotifications notifications;
    private final EventEncoder encoder;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    /**
     * A ledger selling from {@code catalog}; new wallets open with {@code economy.startingBalance()}.
     * After a purchase it tells the buyer's other sessions through {@code notifications}. Retries after
     * a lost race wait on {@code scheduler}.
     */
    public PurchaseLedger(Etcd etcd, JsonValues json, Catalog catalog, GameConfig.Economy economy,
                          UserNotifications notifications, EventEncoder encoder, ScheduledExecutorService scheduler) {
        this.etcd = etcd;
        this.json = json;
        this.catalog = catalog;
        this.wallets = new Wallets(etcd, json, economy.startingBalance());
        this.notifications = notifications;
        this.encoder = encoder;
        this.scheduler = scheduler;
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
        return OptimisticLoop.run(() -> attempt(userId, request, purchaseId), scheduler).thenApply(result -> {
            if (!result.replayed()) {
                notifyOtherSessions(userId, sessionId, result);
            }
            return result;
        });
    }

    private CompletableFuture<Optional<PurchaseResult>> attempt(String userId, BuyGoodRequest request,
                                                                String purchaseId) {
        ByteSequence recordKey = recordKey(userId, request.requestId());
        ByteSequence stockKey = catalog.stockKey(request.goodId());
        ByteSequence entryKey = catalog.entryKey(request.goodId());
        // One read at one revision: the entry is read with the wallet so no node ever sells at a stale price.
        return etcd.call(() -> etcd.kv().txn()
                        .Then(Op.get(recordKey, GetOption.DEFAULT), wallets.get(userId),
                                Op.get(stockKey, GetOption.DEFAULT), Op.get(entryKey, GetOption.DEFAULT))
                        .commit())
                .thenCompose(read -> {
                    Optional<KeyValue> earlier = first(read.getGetResponses().get(0));
                    if (earlier.isPresent()) {
                        return CompletableFuture.completedFuture(
                                Optional.of(answer(earlier.get(), request, purchaseId)));
                    }
                    KeyValue entry = first(read.getGetResponses().get(3)).orElseThrow(() -> new GameException(
                            ErrorCode.NOT_FOUND, "no good '" + request.goodId() + "' in the catalog"));
                    Wallets.Snapshot wallet = wallets.snapshot(read.getGetResponses().get(1));
                    Optional<KeyValue> stock = first(read.getGetResponses().get(2));
                    return commit(userId, request, purchaseId, catalog.remember(entry), wallet, stock);
                });
    }

    private CompletableFuture<Optional<PurchaseResult>> commit(String userId, BuyGoodRequest request,
                                                               String purchaseId, Catalog.Listed listed,
                                                               Wallets.Snapshot read, Optional<KeyValue> stock) {
        CatalogEntry good = listed.entry();
        int quantity = request.count();
        OptionalLong left = stock.map(kv -> OptionalLong.of(Catalog.stockOf(kv))).orElse(OptionalLong.empty());
        Wallet after = PurchaseRules.check(good, quantity, read.wallet(), left);
        PurchaseRecord record = new PurchaseRecord(purchaseId, good.id(), quantity, good.price(), good.currency(),
                after.balance(), after.owned(good.id()), clock.millis());

        ByteSequence recordKey = recordKey(userId, request.requestId());
        ByteSequence stockKey = catalog.stockKey(good.id());
        ByteSequence entryKey = catalog.entryKey(good.id());
        Cmp stockUnchanged = stock.isPresent()
                ? new Cmp(stockKey, Cmp.Op.EQUAL, CmpTarget.modRevision(stock.get().getModRevision()))
                : Catalog.absent(stockKey);
        List<Op> writes = new ArrayList<>(3);
        writes.add(wallets.put(userId, after));
        if (left.isPresent()) {
            writes.add(Op.put(stockKey, Catalog.stockValue(left.getAsLong() - quantity), PutOption.DEFAULT));
        }
        writes.add(Op.put(recordKey, Keys.bytes(json.write(record)), PutOption.DEFAULT));
        return etcd.call(() -> etcd.kv().txn()
                        .If(Catalog.absent(recordKey),
                                wallets.unchanged(userId, read),
                                stockUnchanged,
                                new Cmp(entryKey, Cmp.Op.EQUAL, CmpTarget.modRevision(listed.modRevision())))
                        .Then(writes.toArray(Op[]::new))
                        .Else(Op.get(recordKey, GetOption.DEFAULT))
                        .commit())
                .thenApply(r -> settle(r, record, request, purchaseId));
    }

    private Optional<PurchaseResult> settle(TxnResponse response, PurchaseRecord record, BuyGoodRequest request,
                                            String purchaseId) {
        if (response.isSucceeded()) {
            return Optional.of(record.result(false));
        }
        // Another copy of this request won, or the wallet, the stock or the entry changed since the read.
        return first(response.getGetResponses().get(0)).map(raced -> answer(raced, request, purchaseId));
    }

    /** The answer a stored purchase record gives to {@code request}. */
    private PurchaseResult answer(KeyValue stored, BuyGoodRequest request, String purchaseId) {
        PurchaseRecord record = json.read(stored.getValue(), PurchaseRecord.class);
        if (!record.goodId().equals(request.goodId()) || record.quantity() != request.count()) {
            throw new GameException(ErrorCode.CONFLICT, "requestId '" + request.requestId()
                    + "' already bought " + record.quantity() + " of '" + record.goodId() + "'");
        }
        return record.result(!record.purchaseId().equals(purchaseId));
    }

    private void notifyOtherSessions(String userId, String sessionId, PurchaseResult result) {
        try {
            OutboundEvent event = new OutboundEvent(StoreEvents.BUY_GOOD.name(), UUID.randomUUID().toString(),
                    Namespace.PRIVATE, userId, clock.instant(), Optional.empty(), OptionalLong.empty(), result);
            byte[] frame = encoder.encode(event);
            notifications.push(Namespace.PRIVATE, userId, Optional.of(sessionId), frame).exceptionally(e -> {
                LOG.warn("purchase {} made, but the buyer's other sessions were not told: {}",
                        result.purchaseId(), e.getMessage());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("purchase {} made, but the notice could not be built", result.purchaseId(), e);
        }
    }

    private ByteSequence recordKey(String userId, String requestId) {
        return Keys.bytes(etcd.keys().purchase(userId, requestId));
    }

    private static Optional<KeyValue> first(GetResponse response) {
        return response.getKvs().stream().findFirst();
    }
}
