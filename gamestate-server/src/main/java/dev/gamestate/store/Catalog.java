package dev.gamestate.store;

import dev.gamestate.config.GameConfig;
import dev.gamestate.core.GameException;
import dev.gamestate.core.Names;
import dev.gamestate.state.JsonValues;
import dev.gamestate.state.StoreRecords;
import dev.gamestate.state.Stored;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A cached entry and the etcd revision it was written at.
     *
     * @param entry       the entry
     * @param modRevision its key's mod revision
     */
    record Listed(CatalogEntry entry, long modRevision) {
    }

    private final StoreRecords records;
    private final JsonValues json;
    private final GameConfig.Economy economy;
    private final ConcurrentMap<String, Listed> cache = new ConcurrentHashMap<>();

    /** The catalog kept in {@code records}, seeded from {@code economy}. */
    public Catalog(StoreRecords records, JsonValues json, GameConfig.Economy economy) {
        this.records = records;
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

    private CompletableFuture<Void> seed(GameConfig.Good good) {
        return records.seedGood(good.id(), json.write(CatalogEntry.of(good)), good.stock());
    }

    private CompletableFuture<Void> reload() {
        return records.goods().thenAccept(goods -> {
            Set<String> present = new TreeSet<>();
            goods.forEach(stored -> present.add(remember(stored).entry().id()));
            cache.keySet().retainAll(present);
        });
    }

    /** Every good for sale with its current stock, read from etcd at one revision. */
    public CompletableFuture<CatalogListing> list() {
        return records.listing().thenApply(listing -> {
            List<Good> goods = new ArrayList<>();
            for (Stored stored : listing.goods()) {
                CatalogEntry entry = remember(stored).entry();
                Long stock = listing.stockByGood().get(entry.id());
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
        return records.replaceGood(goodId, json.write(entry), stock).thenApply(revision -> {
            remember(new Listed(entry, revision));
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

    static void requireAmount(String field, long value, long min) {
        if (value < min || value > MAX_AMOUNT) {
            throw GameException.invalid(field + " must be " + min + " to " + MAX_AMOUNT);
        }
    }

    /** The entry a read answered, exactly as read; the cache keeps it unless it holds a newer one. */
    Listed remember(Stored stored) {
        return remember(new Listed(json.read(stored.value(), CatalogEntry.class), stored.modRevision()));
    }

    // Concurrent refreshes may arrive out of order; the newer revision stays cached.
    private Listed remember(Listed listed) {
        cache.merge(listed.entry().id(), listed, (old, fresh) -> fresh.modRevision() >= old.modRevision() ? fresh : old);
        return listed;
    }
}
