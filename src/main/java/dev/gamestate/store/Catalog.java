package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.ErrorCode;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.state.Etcd;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.Keys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The goods for sale: entries at {@code catalog/<goodId>}, and the remaining stock of limited goods at
 * {@code stock/<goodId>} (a good is limited exactly while that key exists). Entries are cached on this
 * node for what needs no fresh read (the currencies credits may use); listings and purchases read the
 * entries from etcd and refresh the cache, so no node lists or sells a good at a stale price.
 */
public final class Catalog {

    /** Prices and stock, as the configuration bounds them; price × 1000 still fits a long. */
    static final long MAX_AMOUNT = Long.MAX_VALUE / 4;
    private static final int MAX_NAME_LENGTH = 128;
    private static final GetOption PREFIX = GetOption.builder().isPrefix(true).build();

    /**
     * A cached entry and the etcd revision it was written at.
     *
     * @param entry       the entry
     * @param modRevision its key's mod revision
     */
    record Listed(CatalogEntry entry, long modRevision) {
    }

    private final Etcd etcd;
    private final JsonValues json;
    private final GameConfig.Economy economy;
    private final ConcurrentMap<String, Listed> cache = new ConcurrentHashMap<>();

    /** The catalog kept in {@code etcd}, seeded from {@code economy}. */
    public Catalog(Etcd etcd, JsonValues json, GameConfig.Economy economy) {
        this.etcd = etcd;
        this.json = json;
        this.economy = economy;
    }

    /**
     * Writes each configured good that etcd does not hold yet, then loads the whole catalog into the
     * cache. An entry already there is kept (the admin API may have changed it), and a stock key
     * already there is never reset: it holds what purchases left.
     */
    public CompletableFuture<Void> seed() {
        CompletableFuture<?>[] writes = economy.catalog().stream().map(this::seed).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(writes).thenCompose(v -> reload());
    }

    private CompletableFuture<TxnResponse> seed(GameConfig.Good good) {
        ByteSequence entryKey = entryKey(good.id());
        List<Op> create = new ArrayList<>();
        create.add(Op.put(entryKey, Keys.bytes(json.write(CatalogEntry.of(good))), PutOption.DEFAULT));
        good.stock().ifPresent(stock -> {
            ByteSequence stockKey = stockKey(good.id());
            create.add(Op.txn(
                    new Cmp[] {absent(stockKey)},
                    new Op[] {Op.put(stockKey, stockValue(stock), PutOption.DEFAULT)},
                    new Op[0]));
        });
        return etcd.call(() -> etcd.kv().txn().If(absent(entryKey)).Then(create.toArray(Op[]::new)).commit());
    }

    private CompletableFuture<Void> reload() {
        return etcd.call(() -> etcd.kv().get(Keys.bytes(etcd.keys().catalog()), PREFIX)).thenAccept(r -> {
            Set<String> present = new TreeSet<>();
            r.getKvs().forEach(kv -> present.add(remember(kv).entry().id()));
            cache.keySet().retainAll(present);
        });
    }

    /** Every good for sale with its current stock, read from etcd at one revision. */
    public CompletableFuture<CatalogListing> list() {
        ByteSequence entries = Keys.bytes(etcd.keys().catalog());
        ByteSequence stocks = Keys.bytes(etcd.keys().stock(""));
        return etcd.call(() -> etcd.kv().txn().Then(Op.get(entries, PREFIX), Op.get(stocks, PREFIX)).commit())
                .thenApply(r -> {
                    Map<String, Long> stockById = new HashMap<>();
                    String stockPrefix = etcd.keys().stock("");
                    for (KeyValue kv : r.getGetResponses().get(1).getKvs()) {
                        stockById.put(text(kv.getKey()).substring(stockPrefix.length()), stockOf(kv));
                    }
                    List<Good> goods = new ArrayList<>();
                    for (KeyValue kv : r.getGetResponses().get(0).getKvs()) {
                        CatalogEntry entry = remember(kv).entry();
                        Long stock = stockById.get(entry.id());
                        goods.add(entry.withStock(stock == null ? OptionalLong.empty() : OptionalLong.of(stock)));
                    }
                    return new CatalogListing(goods);
                });
    }

    /**
     * Writes a good for the admin API, replacing what was there. With {@code stock} the good is limited
     * to that many from now on; without it the good is no longer limited.
     *
     * @throws GameException {@code invalid_payload} when a field is out of bounds
     */
    public CompletableFuture<Good> put(String goodId, String name, long price, String currency,
                                      OptionalLong stock, OptionalInt maxPerUser) {
        try {
            validate(goodId, name, price, currency, stock, maxPerUser);
        } catch (GameException e) {
            return CompletableFuture.failedFuture(e);
        }
        CatalogEntry entry = new CatalogEntry(goodId, name, price, currency, maxPerUser);
        ByteSequence stockKey = stockKey(goodId);
        Op stockOp = stock.isPresent()
                ? Op.put(stockKey, stockValue(stock.getAsLong()), PutOption.DEFAULT)
                : Op.delete(stockKey, DeleteOption.DEFAULT);
        Op entryOp = Op.put(entryKey(goodId), Keys.bytes(json.write(entry)), PutOption.DEFAULT);
        return etcd.call(() -> etcd.kv().txn().Then(entryOp, stockOp).commit()).thenApply(r -> {
            // Every key a transaction writes gets the transaction's revision.
            remember(new Listed(entry, r.getHeader().getRevision()));
            return entry.withStock(stock);
        });
    }

    private static void validate(String goodId, String name, long price, String currency, OptionalLong stock,
                                 OptionalInt maxPerUser) {
        Names.requireId("goodId", goodId);
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw GameException.invalid("name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        requireAmount("price", price, 0);
        Names.requireCurrency("currency", currency);
        stock.ifPresent(s -> requireAmount("stock", s, 0));
        if (maxPerUser.isPresent() && maxPerUser.getAsInt() < 1) {
            throw GameException.invalid("maxPerUser must be at least 1");
        }
    }

    /** Every currency the economy knows: starting balances and the currencies goods are sold in. */
    Set<String> currencies() {
        Set<String> known = new TreeSet<>(economy.startingBalance().keySet());
        economy.catalog().forEach(g -> known.add(g.currency()));
        cache.values().forEach(l -> known.add(l.entry().currency()));
        return known;
    }

    /** The key of {@code goodId}'s entry. */
    ByteSequence entryKey(String goodId) {
        return Keys.bytes(etcd.keys().good(goodId));
    }

    /** The key of {@code goodId}'s stock. */
    ByteSequence stockKey(String goodId) {
        return Keys.bytes(etcd.keys().stock(goodId));
    }

    /** A stock count as stored: decimal text. */
    static ByteSequence stockValue(long stock) {
        return Keys.bytes(Long.toString(stock));
    }

    /** The stock count a stock key holds. */
    static long stockOf(KeyValue kv) {
        try {
            return Long.parseLong(text(kv.getValue()));
        } catch (NumberFormatException e) {
            throw new GameException(ErrorCode.INTERNAL, "stored stock is unreadable", e);
        }
    }

    /** A comparison that holds while {@code key} does not exist. */
    static Cmp absent(ByteSequence key) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
    }

    static void requireAmount(String field, long value, long min) {
        if (value < min || value > MAX_AMOUNT) {
            throw GameException.invalid(field + " must be " + min + " to " + MAX_AMOUNT);
        }
    }

    /** The entry a read answered, exactly as read; the cache keeps it unless it holds a newer one. */
    Listed remember(KeyValue kv) {
        return remember(new Listed(json.read(kv.getValue(), CatalogEntry.class), kv.getModRevision()));
    }

    // Concurrent refreshes may arrive out of order; the newer revision stays cached.
    private Listed remember(Listed listed) {
        cache.merge(listed.entry().id(), listed, (old, fresh) -> fresh.modRevision() >= old.modRevision() ? fresh : old);
        return listed;
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
