package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Namespace;
import dev.gamestate.event.Connection;
import dev.gamestate.event.Event;
import dev.gamestate.event.EventEncoder;
import dev.gamestate.event.EventRegistry;
import dev.gamestate.event.Reply;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.StoreRecords;
import dev.gamestate.state.UserNotifier;
import dev.gamestate.store.StoreEvents.BuyGoodRequest;
import dev.gamestate.store.StoreEvents.CatalogRequest;
import dev.gamestate.store.StoreEvents.WalletRequest;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The store: the {@code catalog}, {@code wallet} and {@code core.game.state.buy_good} requests, and the
 * admin API's credits and catalog writes. Wallets and purchases are for players only; guests may read
 * the catalog.
 */
public final class StoreService {

    private final Catalog catalog;
    private final PurchaseLedger purchases;
    private final CreditLedger credits;
    private final Wallets wallets;
    private final StoreCounters counters = new StoreCounters();

    /**
     * The store over {@code etcd}, with the goods and starting balance of {@code economy}. Purchase
     * events for the buyer's other sessions are encoded with {@code encoder} and sent through
     * {@code notifications}. Retries after a lost race wait on the node's {@code scheduler}.
     */
    public StoreService(GameConfig.Economy economy, Etcd etcd, JsonValues json, UserNotifier notifications,
                        EventEncoder encoder, ScheduledExecutorService scheduler) {
        this(economy, StoreRecords.inEtcd(etcd), json, notifications, encoder, scheduler);
    }

    /** The store over {@code records}: the same, with the records kept anywhere (a test's in-memory ones). */
    public StoreService(GameConfig.Economy economy, StoreRecords records, JsonValues json,
                        UserNotifier notifications, EventEncoder encoder, ScheduledExecutorService scheduler) {
        this.catalog = new Catalog(records, json, economy);
        this.purchases = new PurchaseLedger(records, json, catalog, economy, notifications, encoder, scheduler,
                counters);
        this.credits = new CreditLedger(records, json, catalog, economy, scheduler, counters);
        this.wallets = new Wallets(records, json, economy.startingBalance());
    }

    /** Purchases and credits by outcome, and wallet transactions run again, for the metrics. */
    public StoreCounters counters() {
        return counters;
    }

    /** Seeds the catalog from the configuration; call once at start, before serving requests. */
    public CompletableFuture<Void> start() {
        return catalog.seed();
    }

    /** Binds the store's request types. */
    public void register(EventRegistry.Builder builder) {
        builder.register(StoreEvents.CATALOG, this::catalog)
                .register(StoreEvents.WALLET, this::wallet)
                .register(StoreEvents.BUY_GOOD, this::buy);
    }

    /**
     * Admin API: adds money to a wallet, once per request id.
     *
     * @see CreditLedger#credit
     */
    public CompletableFuture<CreditResult> credit(String userId, String currency, long amount, String requestId) {
        return credits.credit(userId, currency, amount, requestId)
                .whenComplete((result, error) -> counters.credit(error == null && result.replayed(), error));
    }

    /**
     * Admin API: writes a good, replacing what was there; without {@code stock} it is not limited.
     *
     * @see Catalog#put
     */
    public CompletableFuture<Good> putGood(String goodId, String name, long price, String currency,
                                          OptionalLong stock, OptionalInt maxPerUser) {
        return catalog.put(goodId, name, price, currency, stock, maxPerUser);
    }

    /** The balance and inventory of {@code userId}. */
    public CompletableFuture<WalletView> wallet(String userId) {
        return wallets.current(userId).thenApply(w -> new WalletView(w.balance(), w.inventory()));
    }

    private CompletableFuture<Reply> catalog(Event<CatalogRequest> event, Connection caller) {
        return catalog.list().thenApply(Reply::of);
    }

    private CompletableFuture<Reply> wallet(Event<WalletRequest> event, Connection caller) {
        if (caller.namespace() != Namespace.PRIVATE) {
            return forbidden("wallets are for players only");
        }
        return wallet(caller.userId()).thenApply(Reply::of);
    }

    private CompletableFuture<Reply> buy(Event<BuyGoodRequest> event, Connection caller) {
        if (caller.namespace() != Namespace.PRIVATE) {
            return forbidden("buying is for players only");
        }
        return purchases.buy(caller.userId(), caller.sessionId(), event.payload())
                .whenComplete((result, error) -> counters.purchase(error == null && result.replayed(), error))
                .thenApply(Reply::of);
    }

    private static CompletableFuture<Reply> forbidden(String message) {
        return CompletableFuture.failedFuture(new GameException(ErrorCode.FORBIDDEN, message));
    }
}
